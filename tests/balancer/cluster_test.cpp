// The cluster stands apart from the HTTP handler: the admin API's views (/status, /metrics)
// and reload work on an UpstreamCluster alone.
#include "conv/balancer/cluster.hpp"

#include <gtest/gtest.h>

#include "conv/balancer/admin/prometheus.hpp"
#include "conv/balancer/admin/status_json.hpp"

namespace conv::balancer {
namespace {

BalancerConfig two_upstreams() {
  BalancerConfig c = default_config();
  c.health.enabled = false;
  UpstreamConfig u;
  u.address = {"127.0.0.1", 5001};
  c.upstreams.push_back(u);
  u.address = {"127.0.0.1", 5002};
  u.weight = 3;
  c.upstreams.push_back(u);
  c.policy.kind = PolicyKind::least_conn;
  return c;
}

TEST(UpstreamCluster, HoldsTheConfiguredUpstreamsPolicyAndSettings) {
  const auto config = two_upstreams();
  UpstreamCluster cluster(config);
  ASSERT_EQ(cluster.upstreams().size(), 2u);
  EXPECT_EQ(cluster.upstreams()[1].name(), "127.0.0.1:5002");
  EXPECT_EQ(cluster.upstreams()[1].weight(), 3u);
  EXPECT_EQ(cluster.selector().policy().kind, PolicyKind::least_conn);
  EXPECT_EQ(cluster.settings().tries(), config.tries);
  EXPECT_FALSE(cluster.draining());
  cluster.set_draining();
  EXPECT_TRUE(cluster.draining());
}

TEST(UpstreamCluster, StatusAndMetricsRenderFromTheClusterAlone) {
  UpstreamCluster cluster(two_upstreams());
  boost::asio::io_context control;
  StatsSampler sampler(control, cluster.upstreams(), cluster.pools());
  ReloadStats reloads;
  cluster.set_draining();
  const auto status = render_status(cluster, sampler, reloads);
  EXPECT_NE(status.find("\"policy\":\"least_conn\""), std::string::npos) << status;
  EXPECT_NE(status.find("\"draining\":true"), std::string::npos) << status;
  EXPECT_NE(status.find("127.0.0.1:5002"), std::string::npos) << status;

  http::Metrics http("conv_http", {"none"});
  const auto log = http::AccessLog::open("off");
  std::string text;
  render_balancer_metrics({cluster, http, *log}, &reloads, text);
  EXPECT_NE(text.find("conv_upstream_failures_total{upstream=\"127.0.0.1:5002\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("conv_balancer_reloads_total{result=\"ok\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace conv::balancer
