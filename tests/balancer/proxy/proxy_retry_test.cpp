// Failures before any response byte, through the real proxy (proxy_fixture.hpp): which are
// retried and where, the limits on retrying (retries.tries, timeouts.retry), and the connect
// timeout. docs/api.md, "Failures".
#include <gtest/gtest.h>

#include <memory>

#include "proxy_fixture.hpp"

namespace conv::balancer::proxytest {
namespace {

RawBehaviour reset_after(std::chrono::milliseconds delay) {
  return RawBehaviour{"", delay, true};
}

// An upstream that reads the request and resets the connection without answering: a GET
// (idempotent, no body) goes to the next upstream and is answered there.
TEST_F(BalancerTest, AGetResetBeforeAnyAnswerIsRetriedOnTheNextUpstream) {
  RawUpstream resetting(reset_after(0ms));
  TestUpstream good("api2");
  start({resetting.port, good.port});  // round-robin starts with the first
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ((*r)["X-Served-By"], "api2");
  EXPECT_EQ(r->body().substr(0, 9), "GET /x 0 ");
  EXPECT_EQ(resetting.connections.load(), 1);
  EXPECT_EQ(resetting.received().rfind("GET /x HTTP/1.1\r\n", 0), 0u) << resetting.received();
  EXPECT_EQ(good.handler.requests.load(), 1);
}

// The same reset for requests that cannot be replayed (not idempotent, or with a body): 502,
// and the next upstream never sees them.
TEST_F(BalancerTest, ARequestThatCannotBeReplayedIs502AfterAResetAndNotRetried) {
  RawUpstream resetting(reset_after(0ms));
  TestUpstream good("api2");
  const std::vector<std::string> requests = {
      "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
      "POST /p HTTP/1.1\r\nHost: t\r\n\r\n",
      "PUT /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
  };
  int sent = 0;
  for (const auto& request : requests) {
    start({resetting.port, good.port});  // afresh: the first pick is the resetting upstream
    TestClient c(port_);
    ASSERT_TRUE(c.send(request));
    auto r = c.read_response();
    ASSERT_TRUE(r) << request;
    EXPECT_EQ(r->result_int(), 502) << request;
    EXPECT_NE(r->body().find("bad_gateway"), std::string::npos) << r->body();
    EXPECT_EQ(resetting.connections.load(), ++sent) << request;
    EXPECT_EQ(good.handler.requests.load(), 0) << request;
    TearDown();
  }
  EXPECT_NE(resetting.received().find("POST /p HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(resetting.received().find("PUT /p HTTP/1.1\r\n"), std::string::npos);
}

// retries.tries bounds the attempts of one request: of five upstreams that each reset the
// GET, exactly `tries` hear it, each once, and the client gets 502.
TEST_F(BalancerTest, ARequestIsTriedAtMostRetriesTriesTimes) {
  for (unsigned tries : {1u, 3u, 5u}) {
    std::vector<std::unique_ptr<RawUpstream>> resetting;
    BalancerConfig c = default_config();
    c.tries = tries;
    for (int i = 0; i < 6; ++i) {
      resetting.push_back(std::make_unique<RawUpstream>(reset_after(0ms)));
      c.upstreams.push_back(upstream(resetting.back()->port));
    }
    start_with(c);
    auto r = get("/x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 502);
    int heard = 0;
    for (const auto& u : resetting) {
      EXPECT_LE(u->connections.load(), 1) << "tried twice";
      heard += u->connections.load();
    }
    EXPECT_EQ(heard, static_cast<int>(tries));
    TearDown();
  }
}

// timeouts.retry: no attempt starts after it. The first upstream resets only after 400 ms,
// past a 200 ms retry timeout: 502, and the second upstream never hears of the request. With a
// retry timeout of 5 s the same failure is retried there and answered.
TEST_F(BalancerTest, NoAttemptStartsAfterTheRetryTimeout) {
  TestUpstream good("api2");
  for (auto retry_timeout : {200ms, 5000ms}) {
    RawUpstream late_reset(reset_after(400ms));
    BalancerConfig c = default_config();
    c.retry_timeout = retry_timeout;
    c.upstreams = {upstream(late_reset.port), upstream(good.port)};
    start_with(c);
    const int before = good.handler.requests.load();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = get("/x");
    ASSERT_TRUE(r);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 400ms);  // the first attempt failed late
    EXPECT_EQ(late_reset.connections.load(), 1);
    if (retry_timeout == 200ms) {
      EXPECT_EQ(r->result_int(), 502);
      EXPECT_EQ(good.handler.requests.load(), before);
    } else {
      EXPECT_EQ(r->result_int(), 200);
      EXPECT_EQ((*r)["X-Served-By"], "api2");
      EXPECT_EQ(good.handler.requests.load(), before + 1);
    }
    TearDown();
  }
}

// A connect that never completes (SYNs dropped, see BlackholePort): 504 upstream_timeout after
// timeouts.connect, long before the kernel would give up (its SYN retries take minutes). Nothing
// was sent, so with a second upstream the request is retried there instead.
TEST_F(BalancerTest, AConnectThatNeverCompletesIs504AfterTheConnectTimeout) {
  BlackholePort hole;
  ASSERT_TRUE(hole.swallows_connects(200ms)) << "connects to the full backlog did not hang";
  BalancerConfig c = default_config();
  c.connect_timeout = 300ms;
  start({hole.port}, c);
  auto t0 = std::chrono::steady_clock::now();
  auto r = get("/x");
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 504);
  EXPECT_NE(r->body().find("upstream_timeout"), std::string::npos) << r->body();
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2000ms);  // the connect timeout, not the kernel's (about two minutes)
  TearDown();

  TestUpstream good("api2");
  start({hole.port, good.port}, c);
  t0 = std::chrono::steady_clock::now();
  r = get("/x");
  took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ((*r)["X-Served-By"], "api2");
  EXPECT_GE(took, 300ms);  // after the first upstream's connect timed out
}

}  // namespace
}  // namespace conv::balancer::proxytest
