// Who the admin API obeys: requests through other names, from other sites, and
// state-changing requests without the token are refused; the operator's are not.
#include "conv/balancer/admin/admin_access.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdio>
#include <fstream>

namespace conv::balancer {
namespace {

namespace bhttp = boost::beast::http;

http::RequestHeader parse(std::string_view raw) {
  bhttp::request_parser<bhttp::empty_body> p;
  boost::system::error_code ec;
  p.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  return p.get().base();
}

// The status refusing `fields` on `method path`, or 0 if served.
unsigned refusal(const AdminAccess& access, std::string_view method, std::string_view fields) {
  const auto r =
      refuse_admin_request(parse(std::string(method) + " /upstreams/0/disable HTTP/1.1\r\n" +
                                 std::string(fields) + "\r\n"),
                           access);
  return r ? r->status : 0;
}

TEST(AdminAccess, ServesItsOwnAddressesAndLocalhost) {
  const AdminAccess a{{"lb.internal"}, ""};
  for (const char* host : {"127.0.0.1:9000", "127.0.0.1", "[::1]:9000", "localhost:9000",
                           "LOCALHOST", "10.0.0.7:9000", "lb.internal:9000", "LB.Internal"}) {
    EXPECT_EQ(refusal(a, "POST", "Host: " + std::string(host) + "\r\n"), 0u) << host;
  }
  EXPECT_EQ(refusal(a, "GET", ""), 0u);  // HTTP/1.0-style, no Host: a tool, not a browser
}

// DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1.
TEST(AdminAccess, RefusesOtherNames) {
  const AdminAccess a{{"lb.internal"}, ""};
  for (const char* host : {"attacker.example", "attacker.example:9000",
                           "localhost.attacker.example", "lb.internal.attacker.example"}) {
    EXPECT_EQ(refusal(a, "POST", "Host: " + std::string(host) + "\r\n"), 403u) << host;
    EXPECT_EQ(refusal(a, "GET", "Host: " + std::string(host) + "\r\n"), 403u) << host;
  }
}

// A cross-site "simple" POST from a page the operator opened.
TEST(AdminAccess, RefusesCrossSiteRequests) {
  const AdminAccess a;
  EXPECT_EQ(refusal(a, "POST", "Host: 127.0.0.1:9000\r\nOrigin: http://attacker.example\r\n"),
            403u);
  EXPECT_EQ(refusal(a, "POST", "Host: 127.0.0.1:9000\r\nOrigin: null\r\n"), 403u);
  EXPECT_EQ(refusal(a, "POST", "Host: 127.0.0.1:9000\r\nOrigin: http://127.0.0.1:8080\r\n"),
            403u);  // another port of the same host is another origin
  EXPECT_EQ(refusal(a, "POST", "Host: 127.0.0.1:9000\r\nSec-Fetch-Site: cross-site\r\n"), 403u);
  EXPECT_EQ(refusal(a, "POST", "Host: 127.0.0.1:9000\r\nSec-Fetch-Site: same-site\r\n"), 403u);
  // The status page's own requests.
  EXPECT_EQ(refusal(a, "POST",
                    "Host: 127.0.0.1:9000\r\nOrigin: http://127.0.0.1:9000\r\n"
                    "Sec-Fetch-Site: same-origin\r\n"),
            0u);
  EXPECT_EQ(refusal(a, "GET", "Host: 127.0.0.1:9000\r\nSec-Fetch-Site: none\r\n"), 0u);
}

TEST(AdminAccess, ATokenGuardsEveryStateChange) {
  const AdminAccess a{{}, "s3cret-token"};
  const std::string host = "Host: 127.0.0.1:9000\r\n";
  EXPECT_EQ(refusal(a, "POST", host), 401u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: Bearer wrong\r\n"), 401u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: Bearer s3cret-toke\r\n"), 401u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: Bearer s3cret-token2\r\n"), 401u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: Basic czNjcmV0LXRva2Vu\r\n"), 401u);
  EXPECT_EQ(refusal(a, "DELETE", host), 401u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: Bearer s3cret-token\r\n"), 0u);
  EXPECT_EQ(refusal(a, "POST", host + "Authorization: bearer s3cret-token\r\n"), 0u);
  EXPECT_EQ(refusal(a, "GET", host), 0u);  // reads need no token
  const auto r = refuse_admin_request(parse("POST /reload HTTP/1.1\r\n" + host + "\r\n"), a);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->headers.size(), 1u);
  EXPECT_EQ(r->headers[0].first, "WWW-Authenticate");
}

std::string temp_file(const std::string& content) {
  char name[] = "/tmp/conv-token-XXXXXX";
  const int fd = ::mkstemp(name);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(name) << content;
  return name;
}

TEST(AdminAccess, ANonLoopbackAdminAddressNeedsAToken) {
  BalancerConfig c = default_config();
  c.admin = HostPort{"0.0.0.0", 9000};
  try {
    load_admin_access(c);
    ADD_FAILURE() << "0.0.0.0 without a token was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("not a loopback address"), std::string::npos);
  }
  const auto file = temp_file("s3cret-token\n");
  c.admin_token_file = file;
  EXPECT_EQ(load_admin_access(c).token, "s3cret-token");  // the trailing newline trimmed
  c.admin = HostPort{"127.0.0.1", 9000};
  c.admin_token_file.clear();
  EXPECT_EQ(load_admin_access(c).token, "");
  std::remove(file.c_str());
}

TEST(AdminAccess, ABadTokenFileIsAConfigError) {
  BalancerConfig c = default_config();
  for (const char* content : {"", "\n", "two words"}) {
    const auto file = temp_file(content);
    c.admin_token_file = file;
    EXPECT_THROW(load_admin_access(c), ConfigError) << "'" << content << "'";
    std::remove(file.c_str());
  }
  c.admin_token_file = "/nonexistent/token";
  EXPECT_THROW(load_admin_access(c), ConfigError);
}

}  // namespace
}  // namespace conv::balancer
