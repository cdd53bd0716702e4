#include "conv/http/host_port.hpp"

#include <charconv>

namespace conv::http {

namespace {

// Letters, digits and ".-_" make names and IPv4 addresses; ':' appears in IPv6 addresses.
bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// The port's digits as a number: 1-65535, or 0 as well when `rules` allow it. No sign, no
// spaces: std::from_chars must consume every byte.
std::optional<std::uint16_t> port_number(std::string_view digits, const HostPortRules& rules) {
  if (digits.empty() || (digits.size() > 5 && !rules.any_port_length)) return std::nullopt;
  unsigned value = 0;
  const char* const last = digits.data() + digits.size();
  const auto [end, ec] = std::from_chars(digits.data(), last, value);
  if (ec != std::errc() || end != last || value > 65535 || (value == 0 && !rules.allow_port_zero)) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

struct Split {
  std::string_view host;  // brackets removed
  bool bracketed = false;
  std::optional<std::string_view> port;
};

// Splits where the host ends: at the first ':' outside brackets, so a second ':' lands in the
// port and fails it ("::1:80" needs brackets). Nothing for an unclosed bracket or bytes after
// "]" that are not ":port".
std::optional<Split> split(std::string_view text) {
  Split s;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s.host = text.substr(1, close - 1);
    s.bracketed = true;
    text.remove_prefix(close + 1);
    if (text.empty()) return s;
    if (text.front() != ':') return std::nullopt;
    s.port = text.substr(1);
    return s;
  }
  const auto colon = text.find(':');
  s.host = text.substr(0, colon);
  if (colon != std::string_view::npos) s.port = text.substr(colon + 1);
  return s;
}

}  // namespace

std::string HostPort::host_text() const {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string HostPort::text() const {
  return host_text() + ":" + std::to_string(port);
}

std::optional<HostPort> parse_host_port(std::string_view text, HostPortRules rules) {
  const auto s = split(text);
  if (!s || !valid_host(s->host)) return std::nullopt;
  if (s->bracketed && rules.brackets_only_ipv6 && s->host.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  // No port at all ("host", "[::1]") differs from an empty one ("host:"), refused below.
  if (!s->port) {
    if (!rules.default_port) return std::nullopt;
    return HostPort{std::string(s->host), *rules.default_port};
  }
  const auto port = port_number(*s->port, rules);
  if (!port) return std::nullopt;
  return HostPort{std::string(s->host), *port};
}

}  // namespace conv::http
