// Why attempts failed, as /metrics counts them (conv_upstream_failures_total{reason}): each
// kind of failure through the real proxy (proxy_fixture.hpp) counts under its own reason, and
// under no other.
#include <gtest/gtest.h>

#include "conv/balancer/admin/prometheus.hpp"
#include "proxy_fixture.hpp"

namespace conv::balancer::proxytest {
namespace {

class FailureReasonTest : public BalancerTest {
 protected:
  // Upstream 0's failures with `reason`, summed over the balancer's threads.
  std::uint64_t failures(FailureReason reason) {
    std::uint64_t n = 0;
    cluster_->pools().for_each([&](const ConnectionPool& p) {
      n += p.counters(0).failures[static_cast<std::size_t>(reason)].load();
    });
    return n;
  }
  // GET /x through the balancer answers `status`; then upstream 0 has exactly one failure, of
  // `reason`.
  void expect_failure(const std::string& target, unsigned status, FailureReason reason) {
    const auto r = get(target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), status) << r->body();
    for (std::size_t k = 0; k < kFailureReasons; ++k) {
      const auto other = static_cast<FailureReason>(k);
      EXPECT_EQ(failures(other), other == reason ? 1u : 0u) << to_string(other);
    }
    EXPECT_EQ(cluster_->upstreams()[0].failures(), 1u);
  }
  std::string metrics() {
    std::string text;
    render_balancer_metrics({*cluster_, metrics_, *log_}, nullptr, text);
    return text;
  }
};

TEST_F(FailureReasonTest, ARefusedConnectIsConnectRefused) {
  start({conv::testing::closed_port()});
  expect_failure("/x", 502, FailureReason::connect_refused);
  const std::string name = cluster_->upstreams()[0].name();
  const std::string text = metrics();
  EXPECT_NE(text.find("conv_upstream_failures_total{upstream=\"" + name +
                      "\",reason=\"connect_refused\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("conv_upstream_failures_total{upstream=\"" + name +
                      "\",reason=\"response_timeout\"} 0\n"),
            std::string::npos);
}

TEST_F(FailureReasonTest, AConnectThatNeverCompletesIsConnectTimeout) {
  BalancerConfig c = default_config();
  c.connect_timeout = 200ms;
  BlackholePort hole;  // proxy_retry_test checks the 504 itself; here, how it is counted
  ASSERT_TRUE(hole.swallows_connects(200ms)) << "connects to the full backlog did not hang";
  start({hole.port}, c);
  expect_failure("/x", 504, FailureReason::connect_timeout);
}

TEST_F(FailureReasonTest, AnAnswerLaterThanTheResponseTimeoutIsResponseTimeout) {
  TestUpstream slow("api1");
  BalancerConfig c = default_config();
  c.response_timeout = 200ms;
  start({slow.port}, c);
  expect_failure("/slow?ms=3000", 504, FailureReason::response_timeout);
}

TEST_F(FailureReasonTest, AConnectionResetBeforeAnyAnswerIsReset) {
  RawUpstream resetting(RawBehaviour{"", 0ms, true});
  start({resetting.port});
  expect_failure("/x", 502, FailureReason::reset);
}

TEST_F(FailureReasonTest, AnUnparsableResponseIsMalformed) {
  RawUpstream garbage("HTTP/1.1 two hundred OK\r\n\r\n");
  start({garbage.port});
  expect_failure("/x", 502, FailureReason::malformed);
}

}  // namespace
}  // namespace conv::balancer::proxytest
