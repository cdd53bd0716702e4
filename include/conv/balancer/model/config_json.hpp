#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace conv::balancer::config_json {

// The readers of the config file's values: each checks one value's type and range, and
// throws ConfigError naming `field` ("timeouts.connect: expected ...") if it is wrong.

namespace json = boost::json;

[[noreturn]] void fail(const std::string& field, const std::string& what);
// Throws for the first key of `obj` that is not in `known`, listing those.
void reject_unknown(const json::object& obj, const std::string& where,
                    const std::vector<std::string_view>& known);
const json::object& object_at(const json::value& v, const std::string& field);
// A number of seconds, > 0 (or >= 0 when zero is allowed), as milliseconds.
std::chrono::milliseconds seconds_at(const json::value& v, const std::string& field,
                                     bool allow_zero = false);
// The writer of seconds_at's durations: the largest unit that is exact, "250ms", "30s", "5m",
// "1h" ("0s" for none), for the configuration written back (config_dump.hpp).
std::string duration_text(std::chrono::milliseconds d);
std::uint64_t uint_at(const json::value& v, const std::string& field, std::uint64_t min,
                      std::uint64_t max);
std::string string_at(const json::value& v, const std::string& field);
bool bool_at(const json::value& v, const std::string& field);
std::vector<std::string> strings_at(const json::value& v, const std::string& field,
                                    const std::string& expected);

}  // namespace conv::balancer::config_json
