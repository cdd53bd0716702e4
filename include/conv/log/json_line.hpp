#pragma once

#include <string>
#include <string_view>

namespace conv::log {

// Builds a one-line JSON object field by field, appending to `out`: the event log's and the
// access log's JSON form. Strings are escaped by Boost.JSON's serializer (", \ and control
// bytes as \uXXXX, other bytes as they are: nginx's escape=json).
class JsonLine {
 public:
  explicit JsonLine(std::string& out) : out_(out) { out_ += '{'; }
  JsonLine(const JsonLine&) = delete;
  JsonLine& operator=(const JsonLine&) = delete;

  JsonLine& string(std::string_view key, std::string_view value);
  // A value that is already JSON (a number): written as it is.
  JsonLine& raw(std::string_view key, std::string_view json);
  void close() { out_ += '}'; }

 private:
  void key(std::string_view name);
  std::string& out_;
  bool first_ = true;
};

}  // namespace conv::log
