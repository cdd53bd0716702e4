// What a reload changes in a running balancer.
#include "conv/balancer/admin/reload.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;

// A balancer's state, without a server: the handler, a health checker that is never started.
class ReloadTest : public ::testing::Test {
 protected:
  static UpstreamConfig up(std::uint16_t port, unsigned weight = 1) {
    UpstreamConfig u;
    u.address = {"127.0.0.1", port};
    u.weight = weight;
    return u;
  }
  void SetUp() override {
    current_ = default_config();
    current_.health.enabled = false;
    current_.upstreams = {up(5001), up(5002)};
    cluster_ = std::make_unique<UpstreamCluster>(current_);
    for (auto& u : cluster_->upstreams()) {
      u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), u->config().address.port});
    }
    cluster_->selector().refresh(Upstream::Clock::now());
    health_ = std::make_unique<HealthChecker>(ctx_, current_, cluster_->upstreams(),
                                              cluster_->selector(), dns_);
    reloader_ = std::make_unique<Reloader>(
        current_, [this] { return next_; }, *cluster_, *health_, stats_);
  }

  boost::asio::io_context ctx_;
  DnsResolver dns_{ctx_};
  BalancerConfig current_;
  BalancerConfig next_;
  std::unique_ptr<UpstreamCluster> cluster_;
  std::unique_ptr<HealthChecker> health_;
  ReloadStats stats_;
  std::unique_ptr<Reloader> reloader_;
};

TEST_F(ReloadTest, AddsRemovesAndReweighsUpstreamsAndAppliesTimeoutsAndPolicy) {
  next_ = current_;
  next_.upstreams = {up(5002, 3), up(5003)};
  next_.connect_timeout = 250ms;
  next_.tries = 2;
  next_.policy.kind = PolicyKind::least_conn;
  EXPECT_EQ(reloader_->reload(), "");
  auto& t = cluster_->upstreams();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].admin_state(), AdminState::removed);
  EXPECT_EQ(t[1].weight(), 3u);
  EXPECT_EQ(t[2].name(), "127.0.0.1:5003");
  EXPECT_TRUE(t[2].resolved());  // an address: resolved at once
  EXPECT_EQ(cluster_->settings().connect_timeout(), 250ms);
  EXPECT_EQ(cluster_->settings().tries(), 2u);
  EXPECT_EQ(cluster_->selector().policy().kind, PolicyKind::least_conn);
  EXPECT_EQ(cluster_->selector().available_count(), 2u);
  EXPECT_EQ(stats_.ok.load(), 1u);

  // The removed one comes back (the same object, its counters kept).
  next_.upstreams = {up(5001), up(5002), up(5003)};
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].admin_state(), AdminState::active);
  EXPECT_EQ(cluster_->selector().available_count(), 3u);
}

// Every setting a running server cannot change (reload.cpp's list), one at a time: the
// running value stays in the configuration the balancer reads, and exactly one note names it.
TEST_F(ReloadTest, KeepsEverySettingARunningServerCannotChangeAndSaysSo) {
  struct Kept {
    std::string note;
    std::function<void(BalancerConfig&)> change;
    std::function<std::string(const BalancerConfig&)> value;
  };
  auto ms = [](std::chrono::milliseconds d) { return std::to_string(d.count()); };
  const std::vector<Kept> kept = {
      {"listen", [](auto& c) { c.server.host = "127.0.0.2"; },
       [](const auto& c) { return c.server.host; }},
      {"listen", [](auto& c) { c.server.port = 6000; },
       [](const auto& c) { return std::to_string(c.server.port); }},
      {"threads", [](auto& c) { c.server.threads = 7; },
       [](const auto& c) { return std::to_string(c.server.threads); }},
      {"limits", [](auto& c) { c.server.max_header_bytes = 4096; },
       [](const auto& c) { return std::to_string(c.server.max_header_bytes); }},
      {"limits", [](auto& c) { c.server.max_body_bytes = 10; },
       [](const auto& c) { return std::to_string(c.server.max_body_bytes); }},
      {"limits", [](auto& c) { c.server.max_connections = 3; },
       [](const auto& c) { return std::to_string(c.server.max_connections); }},
      {"limits", [](auto& c) { c.server.min_body_rate = 77; },
       [](const auto& c) { return std::to_string(c.server.min_body_rate); }},
      {"client timeouts (header, body, idle, write, drain)",
       [](auto& c) { c.server.header_timeout = 1ms; },
       [ms](const auto& c) { return ms(c.server.header_timeout); }},
      {"client timeouts (header, body, idle, write, drain)",
       [](auto& c) { c.server.body_timeout = 2ms; },
       [ms](const auto& c) { return ms(c.server.body_timeout); }},
      {"client timeouts (header, body, idle, write, drain)",
       [](auto& c) { c.server.idle_timeout = 3ms; },
       [ms](const auto& c) { return ms(c.server.idle_timeout); }},
      {"client timeouts (header, body, idle, write, drain)",
       [](auto& c) { c.server.write_timeout = 4ms; },
       [ms](const auto& c) { return ms(c.server.write_timeout); }},
      {"client timeouts (header, body, idle, write, drain)",
       [](auto& c) { c.server.drain_timeout = 5ms; },
       [ms](const auto& c) { return ms(c.server.drain_timeout); }},
      {"access_log", [](auto& c) { c.access_log = "/tmp/elsewhere.log"; },
       [](const auto& c) { return c.access_log; }},
      {"name", [](auto& c) { c.name = "renamed"; }, [](const auto& c) { return c.name; }},
      {"admin_prefix", [](auto& c) { c.admin_prefix = "/_other"; },
       [](const auto& c) { return c.admin_prefix; }},
      {"admin",
       [](auto& c) {
         c.admin = HostPort{"127.0.0.1", 9999};
       },
       [](const auto& c) { return c.admin ? c.admin->text() : "off"; }},
      {"admin", [](auto& c) { c.admin.reset(); },
       [](const auto& c) { return c.admin ? c.admin->text() : "off"; }},
      {"admin_hosts", [](auto& c) { c.admin_hosts = {"admin.example"}; },
       [](const auto& c) { return c.admin_hosts.empty() ? "" : c.admin_hosts[0]; }},
      {"admin_token_file", [](auto& c) { c.admin_token_file = "/tmp/token"; },
       [](const auto& c) { return c.admin_token_file; }},
      {"metrics",
       [](auto& c) {
         c.metrics = HostPort{"127.0.0.1", 9100};
       },
       [](const auto& c) { return c.metrics ? c.metrics->text() : "off"; }},
      {"public_metrics", [](auto& c) { c.public_metrics = true; },
       [](const auto& c) { return std::to_string(c.public_metrics); }},
      {"trusted_proxies", [](auto& c) { c.trusted_proxies = {*parse_cidr("10.0.0.0/8")}; },
       [](const auto& c) { return std::to_string(c.trusted_proxies.size()); }},
      {"pool", [](auto& c) { c.pool_max_idle = 1; },
       [](const auto& c) { return std::to_string(c.pool_max_idle); }},
      {"pool", [](auto& c) { c.pool_idle_timeout = 6ms; },
       [ms](const auto& c) { return ms(c.pool_idle_timeout); }},
  };
  for (const auto& k : kept) {
    next_ = current_;
    k.change(next_);
    const std::string running = k.value(current_);
    ASSERT_NE(k.value(next_), running) << k.note << ": the change changed nothing";
    const auto notes = reloader_->apply(next_);
    ASSERT_EQ(notes.size(), 1u) << k.note;
    EXPECT_EQ(notes[0], k.note + " cannot change on reload (restart to apply); kept");
    EXPECT_EQ(k.value(current_), running) << k.note << " changed on reload";
  }
  EXPECT_EQ(cluster_->upstreams().size(), 2u);
  EXPECT_EQ(cluster_->selector().available_count(), 2u);
}

// Every setting a reload applies, all at once: the proxy's settings, the policy, the health
// checks (read by the checker from the running configuration) and each kept upstream's own
// settings; none of them is reported as kept.
TEST_F(ReloadTest, AppliesEveryReloadableSetting) {
  next_ = current_;
  next_.connect_timeout = 123ms;
  next_.response_timeout = 456ms;
  next_.retry_timeout = 789ms;
  next_.tries = 5;
  next_.retry_budget.ratio = 0.5;
  next_.retry_budget.min_concurrent = 9;
  next_.outlier.consecutive_5xx = 4;
  next_.outlier.ejection = 4321ms;
  next_.policy.kind = PolicyKind::hash;
  next_.policy.key = {HashKey::header, "X-User"};
  next_.policy.slow_start = 3s;
  next_.health.enabled = false;
  next_.health.path = "/ready";
  next_.health.interval = 250ms;
  next_.health.timeout = 150ms;
  next_.health.fails = 6;
  next_.health.passes = 3;
  next_.upstreams[0].weight = 4;
  next_.upstreams[0].max_fails = 5;
  next_.upstreams[0].fail_timeout = 7s;
  next_.upstreams[0].max_conns = 8;
  EXPECT_TRUE(reloader_->apply(next_).empty());

  const auto& s = cluster_->settings();
  EXPECT_EQ(s.connect_timeout(), 123ms);
  EXPECT_EQ(s.response_timeout(), 456ms);
  EXPECT_EQ(s.retry_timeout(), 789ms);
  EXPECT_EQ(s.tries(), 5u);
  EXPECT_EQ(s.budget_ratio(), 0.5);
  EXPECT_EQ(s.budget_min(), 9u);
  EXPECT_EQ(s.outlier_5xx(), 4u);
  EXPECT_EQ(s.ejection(), 4321ms);
  EXPECT_TRUE(cluster_->selector().policy() == next_.policy);
  EXPECT_EQ(current_.health.path, "/ready");
  EXPECT_EQ(current_.health.interval, 250ms);
  EXPECT_EQ(current_.health.timeout, 150ms);
  EXPECT_EQ(current_.health.fails, 6u);
  EXPECT_EQ(current_.health.passes, 3u);
  const Upstream& u = cluster_->upstreams()[0];
  EXPECT_EQ(u.weight(), 4u);
  EXPECT_EQ(u.max_fails(), 5u);
  EXPECT_EQ(u.fail_timeout(), 7s);
  EXPECT_EQ(u.max_conns(), 8u);
  const Upstream& other = cluster_->upstreams()[1];  // unchanged in the file: unchanged here
  EXPECT_EQ(other.weight(), 1u);
  EXPECT_EQ(other.max_conns(), 0u);

  // And back: health checks on again, the policy back to round-robin.
  next_ = current_;
  next_.health.enabled = true;
  next_.policy = PolicyConfig{};
  EXPECT_TRUE(reloader_->apply(next_).empty());
  EXPECT_TRUE(current_.health.enabled);
  EXPECT_EQ(cluster_->selector().policy().kind, PolicyKind::round_robin);
}

TEST_F(ReloadTest, ABadFileKeepsTheOldConfiguration) {
  Reloader failing(
      current_, []() -> BalancerConfig { throw ConfigError("x.json: upstreams: expected ..."); },
      *cluster_, *health_, stats_);
  EXPECT_EQ(failing.reload(), "x.json: upstreams: expected ...");
  EXPECT_EQ(stats_.failed.load(), 1u);
  EXPECT_EQ(cluster_->upstreams().size(), 2u);
  EXPECT_EQ(cluster_->selector().available_count(), 2u);
}

TEST_F(ReloadTest, TurningHealthChecksOffBringsBackWhatTheyHadFailed) {
  current_.health.enabled = true;
  cluster_->upstreams()[1].set_checked_healthy(false);
  next_ = current_;
  next_.health.enabled = false;
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_TRUE(cluster_->upstreams()[1].checked_healthy());
  EXPECT_EQ(cluster_->selector().available_count(), 2u);
}

TEST_F(ReloadTest, AnAdminDrainSurvivesAReload) {
  cluster_->upstreams()[0].set_admin_state(AdminState::draining);
  next_ = current_;
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_EQ(cluster_->upstreams()[0].admin_state(), AdminState::draining);
}

}  // namespace
}  // namespace conv::balancer

namespace conv::balancer {
namespace {

// A "resolve": "all" entry is its slots: added, filled by discovery and removed together.
TEST_F(ReloadTest, AnEntrysSlotsComeAndGoTogetherAndOnlyResolvedOnesArePicked) {
  UpstreamConfig all = up(5009);
  all.resolve_all = true;
  all.max_addresses = 3;
  next_ = current_;
  next_.upstreams = {up(5001), all};
  EXPECT_EQ(reloader_->reload(), "");
  auto& t = cluster_->upstreams();
  ASSERT_EQ(t.size(), 5u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(t[2 + k].name(), "127.0.0.1:5009#" + std::to_string(k + 1));
    EXPECT_FALSE(t[2 + k].resolved());
  }
  EXPECT_EQ(cluster_->selector().available_count(), 1u);  // 5001 only: empty slots are skipped
  // Discovery (the name here is an address: one answer) fills the first slot.
  for (int i = 0; i < 500 && !t[2].resolved(); ++i) ctx_.run_for(10ms);
  ASSERT_TRUE(t[2].resolved());
  EXPECT_EQ(t[2].endpoint()->port(), 5009);
  EXPECT_FALSE(t[3].resolved());
  cluster_->selector().refresh(Upstream::Clock::now());
  EXPECT_EQ(cluster_->selector().available_count(), 2u);

  next_.upstreams = {up(5001)};
  EXPECT_EQ(reloader_->reload(), "");
  for (std::size_t k = 2; k < 5; ++k) EXPECT_EQ(t[k].admin_state(), AdminState::removed);
  EXPECT_FALSE(t[2].resolved());  // a removed name's slots lose their addresses
  EXPECT_EQ(cluster_->selector().available_count(), 1u);
  const auto notes = reloader_->apply(next_);  // nothing changes again
  EXPECT_TRUE(notes.empty());
}

}  // namespace
}  // namespace conv::balancer
