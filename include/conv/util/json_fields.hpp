#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace conv::util {

// Builds a one-line JSON object field by field, appending to `out`: the event log's and the
// access log's JSON form, and the admin API's status and history. Strings are escaped by
// Boost.JSON's serializer (", \ and control bytes as \uXXXX, other bytes as they are: nginx's
// escape=json); numbers are plain decimals (append_json_number).
class JsonFields {
 public:
  explicit JsonFields(std::string& out) : out_(out) { out_ += '{'; }
  JsonFields(const JsonFields&) = delete;
  JsonFields& operator=(const JsonFields&) = delete;

  JsonFields& string(std::string_view key, std::string_view value);
  JsonFields& number(std::string_view key, double value);
  JsonFields& integer(std::string_view key, std::uint64_t value);
  JsonFields& boolean(std::string_view key, bool value);
  // A value that is already JSON (null, an array, a number formatted elsewhere): as it is.
  JsonFields& raw(std::string_view key, std::string_view json);
  // A nested object, written by `fill(JsonFields&)` in place: no string of its own.
  template <typename Fill>
  JsonFields& object(std::string_view name, Fill fill) {
    key(name);
    JsonFields inner(out_);
    fill(inner);
    inner.close();
    return *this;
  }
  void close() { out_ += '}'; }

 private:
  void key(std::string_view name);
  std::string& out_;
  bool first_ = true;
};

// `value` as a JSON string, quoted and escaped as JsonFields::string does.
void append_json_string(std::string& out, std::string_view value);

// `value` rounded to 3 decimals (plenty for rates, shares and milliseconds), in plain decimal
// where Boost.JSON would write 12.5 as 1.25E1.
void append_json_number(std::string& out, double value);

}  // namespace conv::util
