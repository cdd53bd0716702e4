#include "conv/http/async_probe.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <string>

#include "../support/raw_upstream.hpp"

namespace conv::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using conv::testing::RawBehaviour;
using conv::testing::RawUpstream;

net::ip::tcp::endpoint loopback(std::uint16_t port) {
  return {net::ip::make_address("127.0.0.1"), port};
}

// Runs `ctx` until the probe has answered (at most 5 s) and returns its answer.
std::optional<ProbeResult> run(net::io_context& ctx, std::optional<ProbeResult>& result) {
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!result && std::chrono::steady_clock::now() < until) ctx.run_one_for(50ms);
  return result;
}

TEST(AsyncProbe, SendsExactlyTheGetItWasGivenAndReportsTheStatus) {
  RawUpstream server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  net::io_context ctx;
  std::optional<ProbeResult> result;
  async_probe(ctx, {loopback(server.port)}, {"/healthz?x=1", "api:5000", "conv-health-check"}, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  EXPECT_FALSE(result);  // never from within the call
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 200u);
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(server.received(),
            "GET /healthz?x=1 HTTP/1.1\r\nHost: api:5000\r\nUser-Agent: conv-health-check\r\n"
            "Connection: close\r\n\r\n");
}

TEST(AsyncProbe, NamesTheStepThatFailed) {
  net::io_context ctx;
  std::optional<ProbeResult> result;
  async_probe(ctx, {loopback(conv::testing::closed_port())}, {"/", "x", "t"}, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 0u);
  EXPECT_EQ(result->error.rfind("connect: ", 0), 0u) << result->error;
  EXPECT_FALSE(result->timed_out);
}

// The peer's head is read into a bounded buffer: one that never ends within 8 KiB fails the
// probe instead of growing the buffer.
TEST(AsyncProbe, RefusesAResponseHeadBeyondItsBound) {
  RawUpstream server("HTTP/1.1 200 OK\r\nX-Long: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  net::io_context ctx;
  std::optional<ProbeResult> result;
  async_probe(ctx, {loopback(server.port)}, {"/", "x", "t"}, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 0u);
  EXPECT_EQ(result->error.rfind("read: ", 0), 0u) << result->error;
}

// A silent peer: the deadline ends the probe, and the io_context it shares keeps serving
// other work meanwhile (the balancer's control thread runs its health checks this way).
TEST(AsyncProbe, ItsDeadlineEndsItWithoutHoldingUpTheContext) {
  RawUpstream server(RawBehaviour::silent());
  net::io_context ctx;
  std::optional<ProbeResult> result;
  const auto start = std::chrono::steady_clock::now();
  async_probe(ctx, {loopback(server.port)}, {"/", "x", "t"}, 300ms,
              [&](ProbeResult r) { result = std::move(r); });
  bool other_work_ran_first = false;
  net::steady_timer other(ctx, 20ms);
  other.async_wait([&](boost::system::error_code) { other_work_ran_first = !result; });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_TRUE(other_work_ran_first);
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->error, "timed out");
  EXPECT_EQ(result->status, 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(AsyncProbe, ResolvesANameUnderTheSameDeadline) {
  RawUpstream server("HTTP/1.1 204 No Content\r\n\r\n");
  net::io_context ctx;
  std::optional<ProbeResult> result;
  async_probe(ctx, "127.0.0.1", server.port, {"/", "x", "t"}, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 204u);
}

// A feed's fetch: the whole body, under the same deadline, and never beyond its bound.
TEST(AsyncProbe, ReadsABoundedBodyWhenAskedTo) {
  const std::string xml(5000, 'x');
  RawUpstream server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + xml +
                     "\r\n0\r\n\r\n");
  net::io_context ctx;
  std::optional<ProbeResult> result;
  ProbeRequest fetch{"/eurofxref-daily.xml", "feed", "conv"};
  fetch.max_body = 5000;
  async_probe(ctx, {loopback(server.port)}, fetch, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 200u) << result->error;
  EXPECT_EQ(result->body, xml);

  RawUpstream larger("HTTP/1.1 200 OK\r\nContent-Length: 5001\r\n\r\n" + xml + "y");
  result.reset();
  async_probe(ctx, {loopback(larger.port)}, fetch, 5s,
              [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 0u);
  EXPECT_EQ(result->reason, "too_large") << result->error;
  EXPECT_TRUE(result->body.empty());

  // Cut off before the end of its body: not an answer.
  RawUpstream cut("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nabc");
  result.reset();
  async_probe(ctx, {loopback(cut.port)}, fetch, 5s, [&](ProbeResult r) { result = std::move(r); });
  ASSERT_TRUE(run(ctx, result));
  EXPECT_EQ(result->status, 0u);
  EXPECT_EQ(result->reason, "reset") << result->error;
}

}  // namespace
}  // namespace conv::http
