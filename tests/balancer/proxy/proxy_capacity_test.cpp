// How much the proxy sends where, through the real proxy (proxy_fixture.hpp): the connection
// cap (max_conns), slow start, and a client that does not read its response.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "proxy_fixture.hpp"
#include "support/eventually.hpp"

namespace conv::balancer::proxytest {
namespace {

bool eventually(const std::function<bool()>& done) {
  return conv::testing::eventually(done, 5s);
}

// max_conns 1 on each of two upstreams: while one holds a request, every other request goes
// to the other; while both do, the answer is 503 no_upstream at once, and nothing is sent on;
// once they finish, both serve again.
TEST_F(BalancerTest, AFullUpstreamIsSkippedAndAllFullIs503) {
  TestUpstream a("api1"), b("api2");
  BalancerConfig c = default_config();
  c.upstreams = {upstream(a.port), upstream(b.port)};
  for (auto& u : c.upstreams) u.max_conns = 1;
  start_with(c);
  TestClient held_a(port_);
  ASSERT_TRUE(held_a.send(get_request("/hold")));  // round-robin: api1 first
  ASSERT_TRUE(eventually([&] { return a.handler.requests.load() == 1; }));
  for (int i = 0; i < 4; ++i) {
    auto r = get("/x");
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["X-Served-By"], "api2") << i;  // api1 is full: not every other one
    // The exchange frees api2's slot just after the response's last byte went out, which
    // the client may have read already: wait for it (bounded), or the next one finds both full.
    ASSERT_TRUE(eventually([&] { return cluster_->upstreams()[1].in_flight() == 0; }));
  }
  TestClient held_b(port_);
  ASSERT_TRUE(held_b.send(get_request("/hold")));
  ASSERT_TRUE(eventually([&] { return b.handler.requests.load() == 5; }));
  const auto t0 = std::chrono::steady_clock::now();
  auto full = get("/x");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->result_int(), 503);
  EXPECT_NE(full->body().find("no_upstream"), std::string::npos) << full->body();
  EXPECT_EQ((*full)["X-Served-By"], "lb");
  // Answered without waiting for a slot: the held requests free theirs only when released
  // below (or after 10 s). The bound leaves room for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
  EXPECT_EQ(a.handler.requests.load() + b.handler.requests.load(), 6);  // none sent on
  a.handler.release_held();
  b.handler.release_held();
  for (TestClient* held : {&held_a, &held_b}) {
    auto r = held->read_response(5000ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 200);
  }
  auto& t = cluster_->upstreams();
  ASSERT_TRUE(eventually([&] { return t[0].in_flight() == 0 && t[1].in_flight() == 0; }));
  std::map<std::string, int> by;
  for (int i = 0; i < 4; ++i) by[std::string((*get("/x"))["X-Served-By"])]++;
  EXPECT_EQ(by["api1"], 2);
  EXPECT_EQ(by["api2"], 2);
}

// Slow start through the proxy: an upstream back from being down gets 1/10 of its weight at
// first, half of it halfway through the window, all of it after; counted on real answers.
// (The health checker refreshes the selector every 250 ms in the balancer; here the test does,
// at chosen instants of the window.)
TEST_F(BalancerTest, SlowStartRampsARecoveredUpstreamsShareOfRealRequests) {
  TestUpstream a("api1"), b("api2");
  BalancerConfig c = default_config();
  c.policy.slow_start = 10s;
  start({a.port, b.port}, c);
  Selector& selector = cluster_->selector();
  Upstream& back = cluster_->upstreams()[1];
  TestClient client(port_);
  auto served_by_api2 = [&](int n) {
    int count = 0;
    for (int i = 0; i < n; ++i) {
      if (!client.send(get_request("/x"))) return -1;
      auto r = client.read_response();
      if (!r || r->result_int() != 200) return -1;
      count += (*r)["X-Served-By"] == "api2" ? 1 : 0;
    }
    return count;
  };
  EXPECT_EQ(served_by_api2(20), 10);  // at start-up: full weight at once
  back.set_checked_healthy(false);
  selector.refresh(Upstream::Clock::now());
  EXPECT_EQ(served_by_api2(10), 0);
  const auto t0 = Upstream::Clock::now();
  back.set_checked_healthy(true);
  selector.refresh(t0);
  // Whole rounds of the smooth weighted order, so the shares are exact: 10:1, 10:5, 10:10.
  EXPECT_EQ(served_by_api2(110), 10);
  selector.refresh(t0 + 5s);
  EXPECT_EQ(served_by_api2(150), 50);
  selector.refresh(t0 + 10s);
  EXPECT_EQ(served_by_api2(20), 10);
}

// A client that never reads a large response through the balancer is cut off once the write
// timeout passes (not before; within a bound of the response's start), and the upstream's
// slot is released.
TEST_F(BalancerTest, AClientThatDoesNotReadIsCutOffAfterTheWriteTimeout) {
  TestUpstream a("api1");
  BalancerConfig c = default_config();
  c.server.write_timeout = 300ms;
  start({a.port}, c);
  constexpr std::size_t kSize = 32 * 1024 * 1024;
  TestClient client(port_);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send(get_request("/big?n=" + std::to_string(kSize))));
  ASSERT_TRUE(client.read_some(10'000ms));  // the first bytes; from here on, nothing is read
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(eventually([&] { return server_->open_connections() == 0; }));
  const auto cut = std::chrono::steady_clock::now();
  EXPECT_GE(cut - sent, 300ms) << "cut before the write timeout";
  EXPECT_LT(cut - started, 3000ms);
  EXPECT_TRUE(client.closed_within(5000ms));
  EXPECT_LT(client.pending().size(), kSize);
  EXPECT_EQ(client.pending().rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_TRUE(eventually([&] { return cluster_->upstreams()[0].in_flight() == 0; }));
}

}  // namespace
}  // namespace conv::balancer::proxytest
