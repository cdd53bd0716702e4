// The status page's sparklines: per-second points from the response-time histogram, kept
// for 5 minutes by the sampler and served as GET /history.
#include <gtest/gtest.h>

#include <vector>

#include "conv/balancer/admin/history_json.hpp"
#include "conv/balancer/admin/latency_quantile.hpp"
#include "conv/balancer/admin/sampler.hpp"
#include "conv/balancer/cluster.hpp"

namespace conv::balancer {
namespace {

using Buckets = std::vector<std::uint64_t>;
constexpr std::size_t kBucketCount = UpstreamCounters::kBuckets.size() + 1;

Buckets with(std::size_t bucket, std::uint64_t count) {
  Buckets b(kBucketCount, 0);
  b[bucket] = count;
  return b;
}

TEST(LatencyQuantile, InterpolatesWithinTheBucketAsPrometheusDoes) {
  EXPECT_EQ(latency_quantile_ms(Buckets(kBucketCount, 0), 0.5), std::nullopt);
  const double lower = UpstreamCounters::kBuckets[1] * 1000,
               upper = UpstreamCounters::kBuckets[2] * 1000;
  // Ten answers between bounds 1 and 2: the median halfway, the p99 near the top.
  EXPECT_DOUBLE_EQ(*latency_quantile_ms(with(2, 10), 0.5), lower + (upper - lower) * 0.5);
  EXPECT_DOUBLE_EQ(*latency_quantile_ms(with(2, 10), 0.99), lower + (upper - lower) * 0.99);
  // Half in the first bucket, half in the fourth: the median is the first's upper bound.
  Buckets split = with(0, 5);
  split[3] = 5;
  EXPECT_DOUBLE_EQ(*latency_quantile_ms(split, 0.5), UpstreamCounters::kBuckets[0] * 1000);
  EXPECT_GT(*latency_quantile_ms(split, 0.99), UpstreamCounters::kBuckets[2] * 1000);
  // Beyond the last bound only that bound is known.
  EXPECT_DOUBLE_EQ(*latency_quantile_ms(with(kBucketCount - 1, 3), 0.5),
                   UpstreamCounters::kBuckets.back() * 1000);
}

BalancerConfig two_upstreams() {
  BalancerConfig c = default_config();
  c.health.enabled = false;
  UpstreamConfig u;
  u.address = {"127.0.0.1", 5001};
  c.upstreams.push_back(u);
  u.address = {"127.0.0.1", 5002};
  c.upstreams.push_back(u);
  return c;
}

TEST(StatsHistory, EachSecondGetsAPointPerUpstream) {
  UpstreamCluster cluster(two_upstreams());
  boost::asio::io_context control;
  StatsSampler sampler(control, cluster.upstreams(), cluster.pools());
  sampler.sample();
  EXPECT_TRUE(sampler.history().empty());  // a second needs two samples
  UpstreamCounters& c = cluster.pools().local().counters(0);
  for (int i = 0; i < 10; ++i) {
    UpstreamCounters::bump(c.attempts);
    c.response(i < 9 ? 200 : 503, 0.003);
  }
  sampler.sample();
  const auto history = sampler.history();
  ASSERT_EQ(history.size(), 1u);
  ASSERT_EQ(history[0].size(), 2u);
  const auto& busy = history[0][0];
  EXPECT_GT(busy.requests_per_second, 0);
  EXPECT_FLOAT_EQ(busy.error_rate, 0.1f);  // one 503 in ten attempts
  ASSERT_TRUE(busy.p50_ms && busy.p99_ms);
  EXPECT_GT(*busy.p50_ms, 2.5f);  // 3 ms answers: within the 2.5-5 ms bucket
  EXPECT_LE(*busy.p99_ms, 5.0f);
  EXPECT_EQ(history[0][1].requests_per_second, 0);
  EXPECT_FALSE(history[0][1].p50_ms);

  const std::string json = render_history(cluster, sampler);
  EXPECT_NE(json.find("\"seconds\":1,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"127.0.0.1:5002\",\"requests_per_second\":[0],\"error_rate\":[0],"
                      "\"p50_ms\":[null],\"p99_ms\":[null]}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"error_rate\":[0.1]"), std::string::npos) << json;
}

TEST(StatsHistory, KeepsTheLastFiveMinutes) {
  UpstreamCluster cluster(two_upstreams());
  boost::asio::io_context control;
  StatsSampler sampler(control, cluster.upstreams(), cluster.pools());
  for (std::size_t i = 0; i < StatsSampler::kHistorySeconds + 20; ++i) sampler.sample();
  EXPECT_EQ(sampler.history().size(), StatsSampler::kHistorySeconds);
}

}  // namespace
}  // namespace conv::balancer
