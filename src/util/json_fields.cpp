#include "conv/util/json_fields.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <charconv>
#include <cmath>

namespace conv::util {

void append_json_string(std::string& out, std::string_view value) {
  // Keys, codes, dates and decimals need no escaping: copied as they are, without the
  // serializer's temporary string (most of the cost of a rate in a time series).
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += value;
    out += '"';
    return;
  }
  out += boost::json::serialize(boost::json::string_view(value.data(), value.size()));
}

void append_json_number(std::string& out, double value) {
  char buf[400];  // the largest double, in fixed notation
  // + 0.0: -0 (a tiny negative value, rounded) is written as 0.
  const double rounded = std::round(value * 1000.0) / 1000.0 + 0.0;
  const auto end = std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::fixed).ptr;
  out.append(buf, end);
}

void JsonFields::key(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  append_json_string(out_, name);
  out_ += ':';
}

JsonFields& JsonFields::string(std::string_view name, std::string_view value) {
  key(name);
  append_json_string(out_, value);
  return *this;
}

JsonFields& JsonFields::number(std::string_view name, double value) {
  key(name);
  append_json_number(out_, value);
  return *this;
}

JsonFields& JsonFields::integer(std::string_view name, std::uint64_t value) {
  key(name);
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
  return *this;
}

JsonFields& JsonFields::boolean(std::string_view name, bool value) {
  return raw(name, value ? "true" : "false");
}

JsonFields& JsonFields::raw(std::string_view name, std::string_view json) {
  key(name);
  out_ += json;
  return *this;
}

}  // namespace conv::util
