#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv::http {

// A host and port as written in a config file, a flag, or a URL's authority.
struct HostPort {
  std::string host;  // a name or an address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string text() const;  // "host:port", "[::1]:port"
};

// What a caller accepts beyond the strict "host:port" of a config file or flag. The defaults
// are that strict form: a port of 1-65535 written with at most five digits.
struct HostPortRules {
  // An address to listen on: port 0 asks the kernel for an ephemeral port.
  bool allow_port_zero = false;
};

// "api1:5000", "127.0.0.1:5001", "[::1]:5001". Nothing if malformed: an empty host, a byte
// outside letters, digits and ".-_:", IPv6 without brackets, or a port `rules` refuse.
std::optional<HostPort> parse_host_port(std::string_view text, HostPortRules rules = {});

}  // namespace conv::http
