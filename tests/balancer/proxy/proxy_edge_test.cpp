// What a hostile client or upstream can make the balancer do, through the real proxy: bad
// Host values and Connection tricks never reach an upstream as such, h2c is not upgraded,
// the body deadline is a total one, and an upstream's chunk metadata cannot grow its buffer.
#include <gtest/gtest.h>

#include "proxy_fixture.hpp"
#include "scripted_upstream.hpp"

namespace conv::balancer {
namespace {

using conv::testing::ScriptedReply;
using conv::testing::ScriptedUpstream;
using conv::testing::TestClient;
using namespace std::chrono_literals;

// Answers every request with its own head as the body, so a test sees what was forwarded.
std::unique_ptr<ScriptedUpstream> echo_upstream() {
  return std::make_unique<ScriptedUpstream>([](const std::string& head, int, int) {
    return ScriptedReply("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(head.size()) +
                         "\r\n\r\n" + head);
  });
}

class ProxyEdgeTest : public proxytest::BalancerTest {};

TEST_F(ProxyEdgeTest, AnInvalidHostIsRefusedAndNeverForwarded) {
  auto up = echo_upstream();
  start({up->port});
  for (const char* host : {"x y", "<script>", "a/b", "[::1", "a:99999999"}) {
    auto r = request("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n");
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->result_int(), 400) << host;
    EXPECT_NE(r->body().find("Host"), std::string::npos) << r->body();
  }
  EXPECT_EQ(up->connections.load(), 0);
}

TEST_F(ProxyEdgeTest, ConnectionCannotRemoveHost) {
  auto up = echo_upstream();
  start({up->port});
  auto r = request("GET / HTTP/1.1\r\nHost: shop\r\nConnection: Host, X-A\r\nX-A: 1\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_NE(r->body().find("\r\nHost: shop\r\n"), std::string::npos) << r->body();
  EXPECT_EQ(r->body().find("X-A"), std::string::npos) << r->body();
}

// h2c may be ignored: served as HTTP/1.1, without the Upgrade (tunnel_test.cpp: the others).
TEST_F(ProxyEdgeTest, AnH2cUpgradeIsServedAsHttp11) {
  auto up = echo_upstream();
  start({up->port});
  auto h2c = request(
      "GET /x HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
      "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n");
  ASSERT_TRUE(h2c);
  EXPECT_EQ(h2c->result_int(), 200);
  EXPECT_EQ(h2c->body().find("Upgrade"), std::string::npos) << h2c->body();
  EXPECT_EQ(h2c->body().find("HTTP2-Settings"), std::string::npos) << h2c->body();
}

TEST_F(ProxyEdgeTest, TrustedProxiesKeepTheirForwardingHeaders) {
  auto up = echo_upstream();
  auto c = default_config();
  c.trusted_proxies = {*parse_cidr("127.0.0.0/8")};
  start({up->port}, c);
  auto r = request(
      "GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\nX-Real-IP: "
      "203.0.113.9\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body().find("X-Forwarded-For: 203.0.113.9, 127.0.0.1\r\n"), std::string::npos)
      << r->body();
  EXPECT_NE(r->body().find("X-Real-IP: 203.0.113.9\r\n"), std::string::npos) << r->body();
}

// A body trickled a byte every 150 ms used to stay open as long as it kept coming (the
// deadline was re-armed on every read). It is a total deadline from the end of the header.
TEST_F(ProxyEdgeTest, TheBodyDeadlineIsTotalThroughTheBalancer) {
  auto up = echo_upstream();
  auto c = default_config();
  c.server.body_timeout = 600ms;
  start({up->port}, c);
  TestClient client(port_);
  ASSERT_TRUE(client.send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nx"));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 30 && !client.closed_within(150ms); ++i) {
    if (!client.send("x")) break;  // a deliberately slow client: 30 bytes over 4.5 s at most
  }
  auto r = client.read_response(5000ms);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 408);
  EXPECT_LT(took, 2000ms);
}

// An upstream whose chunk extension never ends: its buffer stops at its bound, the client's
// response is cut (its head already went out) and the balancer goes on serving. (The memory
// bound itself is measured by RSS in tests/limits/edge_memory_test.sh.)
TEST_F(ProxyEdgeTest, AnUpstreamsChunkMetadataCannotGrowItsBuffer) {
  std::string endless = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;";
  endless += std::string(4 * 1024 * 1024, 'e');  // far past UpstreamConnection::kMaxBuffered
  ScriptedUpstream up([&](const std::string& head, int, int) {
    return head.starts_with("GET /endless")
               ? ScriptedReply(endless)
               : ScriptedReply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  start({up.port});
  TestClient client(port_);
  ASSERT_TRUE(client.send(conv::testing::get_request("/endless")));
  EXPECT_FALSE(client.read_response(5000ms));  // cut short: no complete response
  EXPECT_TRUE(client.closed_within(5000ms));
  // A failure of the upstream's (it is taken out, as for any broken response); the balancer
  // itself serves on.
  EXPECT_EQ(cluster_->upstreams()[0].failures(), 1u);
  auto after = get("/_conv/healthz");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->result_int(), 200);
}

// Found by tests/fuzz/balancer_session: Beast throws for a field of 64 KiB or more, and a
// trailer that long from an upstream stopped the balancer's worker. The upstream buffer is
// now too small to hold one: the response is cut, and the balancer serves on.
TEST_F(ProxyEdgeTest, AnUpstreamTrailerFieldOver64KiBCannotStopTheBalancer) {
  const std::string trailer = "X-T: " + std::string(70 * 1024, 't') + "\r\n\r\n";
  ScriptedUpstream up([&](const std::string& head, int, int) {
    return head.starts_with("GET /trailer")
               ? ScriptedReply(
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "2\r\nok\r\n0\r\n" +
                     trailer)
               : ScriptedReply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  start({up.port});
  TestClient client(port_);
  ASSERT_TRUE(client.send(conv::testing::get_request("/trailer")));
  EXPECT_FALSE(client.read_response(5000ms));  // cut: the last chunk never came
  auto alive = get("/_conv/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->result_int(), 200);
}

// Found by tests/fuzz/balancer_session: a body malformed from its first byte (a bad chunk
// size in the upstream's first segment) left the client with nothing, not the 502 that a
// malformed response gets: the balancer had marked its head as sent before checking.
TEST_F(ProxyEdgeTest, AnUpstreamBodyMalformedFromItsStartIs502) {
  ScriptedUpstream up([](const std::string&, int, int) {
    return ScriptedReply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n");
  });
  start({up.port});
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 502);
  EXPECT_NE(r->body().find("malformed response body"), std::string::npos) << r->body();
}

}  // namespace
}  // namespace conv::balancer
