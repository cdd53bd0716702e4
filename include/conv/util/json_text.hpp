#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace conv::util {

// A JSON text that is not valid, and where: 1-based line and column of the first bad byte
// (for a duplicate key, of the byte after it). what() is "LINE:COLUMN: what", so that a caller
// prefixing the file's name and ':' gives the form editors jump to ("conf.json:3:14: ...").
class JsonTextError : public std::runtime_error {
 public:
  JsonTextError(std::size_t line, std::size_t column, const std::string& what);
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::size_t line_, column_;
};

// Parses a JSON text as people write configuration: // and /* */ comments and trailing commas
// are accepted (Boost.JSON's parse options). A key given twice in one object is an error, where
// Boost.JSON would silently keep one of the values. Throws JsonTextError.
boost::json::value parse_json_text(std::string_view text);

// parse_json_text, with its error thrown as an Error("<origin>LINE:COLUMN: what"): the error
// type of the file being read (a config, a rates file), whose name `origin` may give ("f:").
template <typename Error>
boost::json::value parse_json_text_as(std::string_view text, const std::string& origin) {
  try {
    return parse_json_text(text);
  } catch (const JsonTextError& e) {
    throw Error(origin + e.what());
  }
}

}  // namespace conv::util
