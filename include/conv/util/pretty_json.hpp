#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace conv::util {

// `value` as people read it: one member or element a line, indented two spaces a level, empty
// objects and arrays as {} and [], ending with a newline. Strings are escaped by Boost.JSON's
// serializer; doubles are the shortest text that reads back the same ("0.2", where Boost.JSON
// writes "2E-1").
std::string pretty_json(const boost::json::value& value);

}  // namespace conv::util
