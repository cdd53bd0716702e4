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
  std::string text() const;       // "host:port", "[::1]:port"
  std::string host_text() const;  // "host", "[::1]": the host as a URL writes it
};

// What a caller accepts beyond the strict "host:port" of a config file or flag. The defaults
// are that strict form: a port of 1-65535 written with at most five digits.
struct HostPortRules {
  // An address to listen on: port 0 asks the kernel for an ephemeral port.
  bool allow_port_zero = false;
  // The rest serve a URL's authority (RFC 3986 section 3.2), as parse_http_url reads it.
  // The port may be left out: this one then. (Every member has an initializer so that
  // designated initializers may name only some: GCC's -Wmissing-field-initializers.)
  std::optional<std::uint16_t> default_port = std::nullopt;
  // The port may have any number of digits ("0000080" is 80): RFC 3986's port is *DIGIT.
  bool any_port_length = false;
  // Brackets hold an IPv6 address only: "[api1]" is refused, not taken as "api1".
  bool brackets_only_ipv6 = false;
};

// The rules of an http:// URL's authority: port 80 unless given.
inline constexpr HostPortRules kUrlAuthorityRules{
    .default_port = 80, .any_port_length = true, .brackets_only_ipv6 = true};

// "api1:5000", "127.0.0.1:5001", "[::1]:5001". Nothing if malformed: an empty host, a byte
// outside letters, digits and ".-_:", IPv6 without brackets, an empty port ("host:"), or a
// missing port or a port value that `rules` refuse.
std::optional<HostPort> parse_host_port(std::string_view text, HostPortRules rules = {});

}  // namespace conv::http
