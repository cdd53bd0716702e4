#include "conv/http/host_port.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv::http {
namespace {

struct Case {
  std::string_view text;
  std::optional<HostPort> want;  // nothing: refused
};

// HostPort has no operator== (it is a plain config value); tests compare its fields.
void expect_parses_as(std::string_view text, const HostPortRules& rules,
                      const std::optional<HostPort>& want) {
  const auto got = parse_host_port(text, rules);
  ASSERT_EQ(got.has_value(), want.has_value()) << "'" << text << "'";
  if (!want) return;
  EXPECT_EQ(got->host, want->host) << text;
  EXPECT_EQ(got->port, want->port) << text;
}

HostPort hp(std::string host, std::uint16_t port) {
  return HostPort{std::move(host), port};
}

// The strict form of config files and flags: the default rules.
TEST(ParseHostPort, StrictFormTable) {
  const Case cases[] = {
      // names and IPv4
      {"api1:5000", hp("api1", 5000)},
      {"Api-1.example_x:1", hp("Api-1.example_x", 1)},
      {"127.0.0.1:5001", hp("127.0.0.1", 5001)},
      {"host:65535", hp("host", 65535)},
      {"host:00080", hp("host", 80)},  // five digits at most, leading zeros or not
      // bracketed IPv6; brackets around a name are taken off too (as the config always did)
      {"[::1]:8080", hp("::1", 8080)},
      {"[2001:db8::1]:443", hp("2001:db8::1", 443)},
      {"[api1]:80", hp("api1", 80)},
      // missing, zero, too large, non-numeric ports
      {"api1", std::nullopt},
      {"api1:", std::nullopt},
      {"[::1]", std::nullopt},
      {"[::1]:", std::nullopt},
      {"api1:0", std::nullopt},
      {"api1:65536", std::nullopt},
      {"api1:99999", std::nullopt},
      {"api1:000080", std::nullopt},
      {"api1:5x", std::nullopt},
      {"api1:+80", std::nullopt},
      {"api1:-1", std::nullopt},
      {"api1: 80", std::nullopt},
      // empty host, unbracketed IPv6, bad bytes, trailing garbage
      {"", std::nullopt},
      {":5000", std::nullopt},
      {"[]:80", std::nullopt},
      {"::1:80", std::nullopt},
      {"2001:db8::1", std::nullopt},
      {"a b:80", std::nullopt},
      {"user@api1:80", std::nullopt},
      {"http://api1:80", std::nullopt},
      {"api1:80/", std::nullopt},
      {"api1:80:90", std::nullopt},
      {"[::1]80", std::nullopt},
      {"[::1]:80x", std::nullopt},
      {"[::1]]:80", std::nullopt},
      {"[::1:80", std::nullopt},
      {"[[::1]:80", std::nullopt},
  };
  for (const auto& c : cases) expect_parses_as(c.text, {}, c.want);
}

// Addresses to listen on also take port 0 (an ephemeral port), and nothing else more.
TEST(ParseHostPort, PortZeroOnlyWhenAllowed) {
  const HostPortRules listen{.allow_port_zero = true};
  expect_parses_as("0.0.0.0:0", listen, hp("0.0.0.0", 0));
  expect_parses_as("[::]:00000", listen, hp("::", 0));
  expect_parses_as("0.0.0.0:0", {}, std::nullopt);
  for (std::string_view bad : {"host", "host:", "host:65536", "host:-0", ":0"}) {
    expect_parses_as(bad, listen, std::nullopt);
  }
}

// A URL's authority, as parse_http_url reads it: an optional port (80), any number of port
// digits, and brackets for IPv6 only. Everything else as in the strict form.
TEST(ParseHostPort, UrlAuthorityTable) {
  const Case cases[] = {
      {"api1", hp("api1", 80)},
      {"api1:5000", hp("api1", 5000)},
      {"127.0.0.1", hp("127.0.0.1", 80)},
      {"[::1]", hp("::1", 80)},
      {"[::1]:8080", hp("::1", 8080)},
      {"host:000000080", hp("host", 80)},
      {"host:00000065535", hp("host", 65535)},
      {"[api1]", std::nullopt},
      {"[api1]:80", std::nullopt},
      {"[127.0.0.1]", std::nullopt},
      {"", std::nullopt},
      {":80", std::nullopt},
      {"[]", std::nullopt},
      {"host:", std::nullopt},
      {"[::1]:", std::nullopt},
      {"host:0", std::nullopt},
      {"host:65536", std::nullopt},
      {"host:99999999999999999999999", std::nullopt},
      {"host:8x", std::nullopt},
      {"::1", std::nullopt},
      {"::1:80", std::nullopt},
      {"[::1]x", std::nullopt},
      {"[::1", std::nullopt},
      {"ho st", std::nullopt},
      {"host:80:80", std::nullopt},
  };
  for (const auto& c : cases) expect_parses_as(c.text, kUrlAuthorityRules, c.want);
}

// text() prints what parses back to the same host and port.
TEST(ParseHostPort, TextRoundTrips) {
  for (std::string_view in : {"api1:5000", "[::1]:8080", "10.0.0.1:1", "[fe80::1]:65535"}) {
    const auto once = parse_host_port(in);
    ASSERT_TRUE(once) << in;
    EXPECT_EQ(once->text(), in);
  }
  EXPECT_EQ(parse_host_port("[api1]:80")->text(), "api1:80");
  EXPECT_EQ(parse_host_port("h:0080")->text(), "h:80");
}

}  // namespace
}  // namespace conv::http
