// What a reload changes in a running balancer.
#include "conv/balancer/reload.hpp"

#include <gtest/gtest.h>

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

TEST_F(ReloadTest, TurningHealthChecksOffBringsBackWhatTheyHadFailed) {
  current_.health.enabled = true;
  handler_->upstreams()[1].set_checked_healthy(false);
  next_ = current_;
  next_.health.enabled = false;
  EXPECT_EQ(reloader_->reload(), "");
  EXPECT_TRUE(handler_->upstreams()[1].checked_healthy());
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
  auto& t = handler_->upstreams();
  ASSERT_EQ(t.size(), 5u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(t[2 + k].name(), "127.0.0.1:5009#" + std::to_string(k + 1));
    EXPECT_FALSE(t[2 + k].resolved());
  }
  EXPECT_EQ(handler_->selector().available_count(), 1u);  // 5001 only: empty slots are skipped
  // Discovery (the name here is an address: one answer) fills the first slot.
  for (int i = 0; i < 500 && !t[2].resolved(); ++i) ctx_.run_for(10ms);
  ASSERT_TRUE(t[2].resolved());
  EXPECT_EQ(t[2].endpoint()->port(), 5009);
  EXPECT_FALSE(t[3].resolved());
  handler_->selector().refresh(Upstream::Clock::now());
  EXPECT_EQ(handler_->selector().available_count(), 2u);

  next_.upstreams = {up(5001)};
  EXPECT_EQ(reloader_->reload(), "");
  for (std::size_t k = 2; k < 5; ++k) EXPECT_EQ(t[k].admin_state(), AdminState::removed);
  EXPECT_FALSE(t[2].resolved());  // a removed name's slots lose their addresses
  EXPECT_EQ(handler_->selector().available_count(), 1u);
  const auto notes = reloader_->apply(next_);  // nothing changes again
  EXPECT_TRUE(notes.empty());
}

}  // namespace
}  // namespace conv::balancer
