// The new config keys, and what a reload changes in a running balancer.
#include "conv/balancer/reload.hpp"

#include <gtest/gtest.h>

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::string& json) {
  try {
    parse_config(json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PolicyConfig, ParsesEveryPolicyAndTheirSettings) {
  auto c = parse_config(R"({"upstreams": [{"address": "a:1", "max_conns": 50}],
      "policy": {"name": "hash", "key": "cookie:sid"}, "slow_start": 7.5,
      "outlier_detection": {"consecutive_5xx": 5, "ejection_time": 20},
      "retries": {"tries": 2, "budget": 0.2, "min_concurrent": 4}, "admin": "127.0.0.1:0"})");
  EXPECT_EQ(c.policy.kind, PolicyKind::hash);
  EXPECT_EQ(c.policy.key.kind, HashKey::cookie);
  EXPECT_EQ(c.policy.key.name, "sid");
  EXPECT_EQ(c.policy.slow_start, 7500ms);
  EXPECT_EQ(c.outlier.consecutive_5xx, 5u);
  EXPECT_EQ(c.outlier.ejection, 20s);
  EXPECT_DOUBLE_EQ(c.retry_budget.ratio, 0.2);
  EXPECT_EQ(c.retry_budget.min_concurrent, 4u);
  EXPECT_EQ(c.upstreams[0].max_conns, 50u);
  ASSERT_TRUE(c.admin);
  EXPECT_EQ(c.admin->port, 0);
  EXPECT_EQ(parse_config(R"({"policy": "least_conn"})").policy.kind, PolicyKind::least_conn);
  EXPECT_EQ(parse_config(R"({"policy": "random"})").policy.kind, PolicyKind::random);
  EXPECT_EQ(parse_config(R"({"policy": {"name": "hash", "key": "header:X-User"}})").policy.key,
            (HashKey{HashKey::header, "X-User"}));
  EXPECT_EQ(parse_config(R"({"policy": {"name": "hash", "key": "client_address"}})").policy.key,
            (HashKey{HashKey::client_address, ""}));
  EXPECT_FALSE(parse_config(R"({"admin": null})").admin);
  EXPECT_FALSE(parse_config(R"({"admin": "off"})").admin);
  const auto d = default_config();
  EXPECT_EQ(d.policy.kind, PolicyKind::round_robin);
  ASSERT_TRUE(d.admin);
  EXPECT_EQ(d.admin->text(), "127.0.0.1:9000");
}

TEST(PolicyConfig, ErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"policy": "fastest"})"),
            "policy: expected \"round_robin\", \"least_conn\", \"random\" or {\"name\": \"hash\", "
            "\"key\": ...}");
  EXPECT_EQ(error_of(R"({"policy": {"name": "hash"}})"),
            "policy.key: required for the hash policy");
  EXPECT_EQ(error_of(R"({"policy": {"name": "hash", "key": "query:x"}})"),
            "policy.key: expected \"header:NAME\", \"cookie:NAME\" or \"client_address\"");
  EXPECT_EQ(error_of(R"({"policy": {"name": "random", "key": "header:x"}})"),
            "policy.key: only the hash policy takes a key");
  EXPECT_EQ(error_of(R"({"retries": {"budget": 1.5}})"),
            "retries.budget: expected a share from 0 to 1, such as 0.2");
  EXPECT_EQ(error_of(R"({"admin": "nowhere"})"), "admin: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"outlier_detection": {"consecutive": 1}})"),
            "outlier_detection.consecutive: unknown key (expected consecutive_5xx, ejection_time)");
}

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
    handler_ = std::make_unique<BalancerHandler>(current_, metrics_, *log_);
    for (auto& u : handler_->upstreams()) {
      u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), u->config().address.port});
    }
    handler_->selector().refresh(Upstream::Clock::now());
    health_ = std::make_unique<HealthChecker>(ctx_, current_, handler_->upstreams(),
                                              handler_->selector());
    reloader_ = std::make_unique<Reloader>(
        current_, [this] { return next_; }, *handler_, *health_, stats_);
  }

  boost::asio::io_context ctx_;
  BalancerConfig current_;
  BalancerConfig next_;
  http::Metrics metrics_{"b", BalancerHandler::route_names()};
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("off");
  std::unique_ptr<BalancerHandler> handler_;
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
  auto& t = handler_->upstreams();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].admin_state(), AdminState::removed);
  EXPECT_EQ(t[1].weight(), 3u);
  EXPECT_EQ(t[2].name(), "127.0.0.1:5003");
  EXPECT_TRUE(t[2].resolved());  // an address: resolved at once
  EXPECT_EQ(handler_->settings().connect_timeout(), 250ms);
  EXPECT_EQ(handler_->settings().tries(), 2u);
  EXPECT_EQ(handler_->selector().policy().kind, PolicyKind::least_conn);
  EXPECT_EQ(handler_->selector().available_count(), 2u);
  EXPECT_EQ(stats_.ok.load(), 1u);

  // The removed one comes back (the same object, its counters kept).
  next_.upstreams = {up(5001), up(5002), up(5003)};
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].admin_state(), AdminState::active);
  EXPECT_EQ(handler_->selector().available_count(), 3u);
}

TEST_F(ReloadTest, KeepsWhatARunningServerCannotChangeAndSaysSo) {
  next_ = current_;
  next_.server.port = 6000;
  next_.server.threads = 7;
  const auto notes = reloader_->apply(next_);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "listen cannot change on reload (restart to apply); kept");
  EXPECT_EQ(notes[1], "threads cannot change on reload (restart to apply); kept");
  EXPECT_EQ(current_.server.port, 5000);
}

TEST_F(ReloadTest, ABadFileKeepsTheOldConfiguration) {
  Reloader failing(
      current_, []() -> BalancerConfig { throw ConfigError("x.json: upstreams: expected ..."); },
      *handler_, *health_, stats_);
  EXPECT_EQ(failing.reload(), "x.json: upstreams: expected ...");
  EXPECT_EQ(stats_.failed.load(), 1u);
  EXPECT_EQ(handler_->upstreams().size(), 2u);
  EXPECT_EQ(handler_->selector().available_count(), 2u);
}

TEST_F(ReloadTest, AnAdminDrainSurvivesAReload) {
  handler_->upstreams()[0].set_admin_state(AdminState::draining);
  next_ = current_;
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_EQ(handler_->upstreams()[0].admin_state(), AdminState::draining);
}

}  // namespace
}  // namespace conv::balancer
