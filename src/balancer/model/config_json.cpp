#include "conv/balancer/model/config_json.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "conv/balancer/model/config.hpp"
#include "conv/util/duration.hpp"

namespace conv::balancer::config_json {

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw ConfigError(field + ": " + what);
}

void reject_unknown(const json::object& obj, const std::string& where,
                    const std::vector<std::string_view>& known) {
  for (const auto& kv : obj) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    if (ok) continue;
    std::string list;
    for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    fail(where.empty() ? std::string(kv.key()) : where + "." + std::string(kv.key()),
         "unknown key (expected " + list + ")");
  }
}

const json::object& object_at(const json::value& v, const std::string& field) {
  if (!v.is_object()) fail(field, "expected an object");
  return v.get_object();
}

// A number of seconds or a duration with units, > 0 (or >= 0 when zero is allowed), as
// milliseconds.
std::chrono::milliseconds seconds_at(const json::value& v, const std::string& field,
                                     bool allow_zero) {
  double s = 0;
  if (v.is_int64()) {
    s = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    s = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    s = v.get_double();
  } else if (const auto d = v.is_string() ? util::duration_seconds(v.get_string()) : std::nullopt) {
    s = *d;
  } else {
    fail(field, "expected a number of seconds or a duration such as \"250ms\", \"30s\", \"5m\"");
  }
  // Whole milliseconds: a non-zero time must not round to 0 (which means "none" or "at once").
  const bool in_range = std::isfinite(s) && s >= 0 && s <= 86400;
  const auto ms = std::chrono::milliseconds(in_range ? std::llround(s * 1000) : 0);
  if (!in_range || (!allow_zero && ms.count() == 0)) {
    fail(field, std::string("expected a number of seconds ") +
                    (allow_zero ? ">= 0" : "of at least 0.001") + " and at most 86400");
  }
  return ms;
}

std::string duration_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::uint64_t uint_at(const json::value& v, const std::string& field, std::uint64_t min,
                      std::uint64_t max) {
  std::uint64_t n = 0;
  if (v.is_int64() && v.get_int64() >= 0) {
    n = static_cast<std::uint64_t>(v.get_int64());
  } else if (v.is_uint64()) {
    n = v.get_uint64();
  } else {
    fail(field, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  if (n < min || n > max) {
    fail(field, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

std::string string_at(const json::value& v, const std::string& field) {
  if (!v.is_string()) fail(field, "expected a string");
  return std::string(v.get_string());
}

bool bool_at(const json::value& v, const std::string& field) {
  if (!v.is_bool()) fail(field, "expected true or false");
  return v.get_bool();
}

std::vector<std::string> strings_at(const json::value& v, const std::string& field,
                                    const std::string& expected) {
  if (!v.is_array()) fail(field, "expected an array of " + expected);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    out.push_back(string_at(v.get_array()[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

}  // namespace conv::balancer::config_json
