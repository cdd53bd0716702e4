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
  // Every reason, check result and state is there from the start, at 0 where nothing happened.
  for (const char* reason :
       {"connect_refused", "connect_timeout", "tls", "response_timeout", "reset", "malformed"}) {
    EXPECT_NE(text.find("conv_upstream_failures_total{upstream=\"127.0.0.1:5002\",reason=\"" +
                        std::string(reason) + "\"} 0\n"),
              std::string::npos)
        << reason << "\n"
        << text;
  }
  EXPECT_NE(text.find("conv_upstream_health_checks_total{upstream=\"127.0.0.1:5001\",result="
                      "\"failed\",reason=\"timeout\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("conv_upstream_state{upstream=\"127.0.0.1:5001\",state=\"unresolved\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("conv_upstream_state{upstream=\"127.0.0.1:5001\",state=\"up\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("conv_upstream_in_flight_requests{upstream=\"127.0.0.1:5001\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("conv_balancer_reloads_total{result=\"ok\"} 0"), std::string::npos);
  EXPECT_NE(text.find("conv_balancer_reloads_total{result=\"failed\"} 0"), std::string::npos);
  EXPECT_NE(text.find("conv_build_info{version=\""), std::string::npos);
  EXPECT_NE(text.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("\nprocess_open_fds "), std::string::npos);
}

TEST(UpstreamCluster, StateSetMarksTheCurrentStateOnly) {
  UpstreamCluster cluster(two_upstreams());
  Upstream& u = cluster.upstreams()[0];
  u.set_endpoint({boost::asio::ip::make_address("127.0.0.1"), 5001});
  u.set_checked_healthy(false);
  u.count_check(false, "connect_refused");
  u.count_check(false, "status");
  u.count_check(true, "");
  http::Metrics http("conv_http", {"none"});
  const auto log = http::AccessLog::open("off");
  std::string text;
  render_balancer_metrics({cluster, http, *log}, nullptr, text);
  std::size_t ones = 0;
  for (const char* state : Upstream::kStates) {
    const std::string prefix =
        "conv_upstream_state{upstream=\"127.0.0.1:5001\",state=\"" + std::string(state) + "\"} ";
    const auto at = text.find(prefix);
    ASSERT_NE(at, std::string::npos) << state;
    const char value = text[at + prefix.size()];
    EXPECT_EQ(value, std::string_view(state) == "down" ? '1' : '0') << state;
    ones += value == '1';
  }
  EXPECT_EQ(ones, 1u);
  const std::string checks = "conv_upstream_health_checks_total{upstream=\"127.0.0.1:5001\",";
  EXPECT_NE(text.find(checks + "result=\"ok\",reason=\"none\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find(checks + "result=\"failed\",reason=\"connect_refused\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find(checks + "result=\"failed\",reason=\"status\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find(checks + "result=\"failed\",reason=\"tls\"} 0\n"), std::string::npos);
}

}  // namespace
}  // namespace conv::balancer
