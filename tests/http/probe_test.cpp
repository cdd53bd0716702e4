#include "conv/http/probe.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../support/raw_upstream.hpp"

namespace conv::http {
namespace {

TEST(ParseHttpUrl, SplitsHostPortAndTarget) {
  auto u = parse_http_url("http://127.0.0.1:5000/healthz?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 5000);
  EXPECT_EQ(u->target, "/healthz?x=1");
  EXPECT_EQ(u->host_header, "127.0.0.1:5000");

  u = parse_http_url("HTTP://api1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "api1");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");

  u = parse_http_url("http://[::1]:8080/readyz");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->host_header, "[::1]:8080");

  u = parse_http_url("http://localhost?q");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?q");
}

TEST(ParseHttpUrl, RefusesWhatItCannotSend) {
  for (const char* bad :
       {"", "localhost:5000", "https://", "ftp://x/", "http://", "http://:80/", "http://host:0/",
        "http://host:65536/", "http://host:/", "http://host:5x/", "http://user@host/",
        "http://host/a b", "http://host/#frag", "http://[::1/", "http://[::1]x/", "http://[::1]:/",
        "http://::1/", "http://ho st/", "http://[host]/"}) {
    EXPECT_FALSE(parse_http_url(bad)) << bad;
  }
}

using conv::testing::RawBehaviour;
using conv::testing::RawUpstream;

HttpUrl loopback(std::uint16_t port, std::string target) {
  return *parse_http_url("http://127.0.0.1:" + std::to_string(port) + target);
}

TEST(Probe, ReportsTheStatusOfAGet) {
  RawUpstream server("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
  const auto r = probe(loopback(server.port, "/healthz"), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(server.received().rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << server.received();
  EXPECT_NE(server.received().find("Host: 127.0.0.1:" + std::to_string(server.port)),
            std::string::npos);
}

TEST(Probe, ANon2xxIsNotOk) {
  RawUpstream server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n");
  const auto r = probe(loopback(server.port, "/readyz"), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 503u);
  EXPECT_FALSE(r.ok());
}

TEST(Probe, GarbageIsNotOk) {
  RawUpstream server("SSH-2.0-OpenSSH\r\n\r\n");
  const auto r = probe(loopback(server.port, "/"), std::chrono::seconds(5));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0u);
  EXPECT_NE(r.error.find("read"), std::string::npos) << r.error;
}

TEST(Probe, ASilentServerTimesOut) {
  RawUpstream server(RawBehaviour::silent());
  const auto start = std::chrono::steady_clock::now();
  const auto r = probe(loopback(server.port, "/"), std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_LT(took, std::chrono::seconds(3));
}

}  // namespace
}  // namespace conv::http
