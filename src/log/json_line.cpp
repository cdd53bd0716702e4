#include "conv/log/json_line.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

namespace conv::log {

void JsonLine::key(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  out_ += boost::json::serialize(boost::json::string_view(name.data(), name.size()));
  out_ += ':';
}

JsonLine& JsonLine::string(std::string_view name, std::string_view value) {
  key(name);
  out_ += boost::json::serialize(boost::json::string_view(value.data(), value.size()));
  return *this;
}

JsonLine& JsonLine::raw(std::string_view name, std::string_view json) {
  key(name);
  out_ += json;
  return *this;
}

}  // namespace conv::log
