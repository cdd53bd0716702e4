#include "conv/balancer/model/config_reference.hpp"

#include <bit>
#include <sstream>

#include "conv/balancer/model/config_schema.hpp"

namespace conv::balancer {

namespace {

// Large powers of two as the docs write them: 2^40, not 1099511627776.
std::string number(std::uint64_t n) {
  if (n >= (std::uint64_t{1} << 20) && std::has_single_bit(n)) {
    return "2^" + std::to_string(std::countr_zero(n));
  }
  return std::to_string(n);
}

std::string seconds(std::uint64_t ms) {
  std::ostringstream out;
  out << static_cast<double>(ms) / 1000;
  return out.str();
}

// What a setting takes: its range (every time has the same one, see the page), then a note.
std::string values(const ConfigKey& k) {
  std::string text;
  if (k.kind == ConfigKey::Kind::count) {
    const std::string hi = number(k.max);
    text = number(k.min) + (hi.starts_with("2^") ? " to " : "-") + hi;
  } else if (k.kind == ConfigKey::Kind::seconds) {
    text = k.min == 0 ? "time, or 0" : "time";
  }
  if (k.values.empty()) return text;
  return text.empty() ? std::string(k.values) : text + "; " + std::string(k.values);
}

std::string fallback(const ConfigKey& k, const BalancerConfig& defaults) {
  if (!k.fallback.empty() || !k.has_value()) return std::string(k.fallback);
  const std::uint64_t v = k.get(defaults);
  return k.kind == ConfigKey::Kind::seconds ? seconds(v) : std::to_string(v);
}

// "--host, --port" as "`--host`, `--port`".
std::string flags(std::string_view list) {
  std::string out;
  while (!list.empty()) {
    const auto comma = list.find(", ");
    out += (out.empty() ? "`" : ", `") + std::string(list.substr(0, comma)) + "`";
    list = comma == std::string_view::npos ? "" : list.substr(comma + 2);
  }
  return out;
}

}  // namespace

std::string config_reference_table() {
  const BalancerConfig defaults = default_config();
  std::string out = "| key | flag | values | default | on reload |\n|---|---|---|---|---|\n";
  for (const auto& k : config_keys()) {
    const std::string key = k.key.empty() ? "(flag only)" : "`" + k.path() + "`";
    out += "| " + key + " | " + flags(k.flag) + " | " + values(k) + " | " + fallback(k, defaults) +
           " | " + (k.reloadable() ? "applied" : "kept") + " |\n";
  }
  return out;
}

}  // namespace conv::balancer
