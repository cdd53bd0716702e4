#include "conv/balancer/select/round_robin.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "conv/balancer/select/selector.hpp"

namespace conv::balancer {
namespace {

using Clock = Upstream::Clock;

// Upstreams in a table, reachable as ups[i]->...
struct Ups {
  std::unique_ptr<UpstreamTable> table = std::make_unique<UpstreamTable>();
  Upstream* operator[](std::size_t i) const { return &(*table)[i]; }
  auto begin() const { return table->begin(); }
  auto end() const { return table->end(); }
};

Ups make(std::vector<unsigned> weights) {
  Ups out;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    UpstreamConfig c;
    c.address = {"127.0.0.1", static_cast<std::uint16_t>(5001 + i)};
    c.weight = weights[i];
    out.table->add(c).front()->set_endpoint(
        {boost::asio::ip::make_address("127.0.0.1"), c.address.port});
  }
  return out;
}

std::string picks(Selector& rr, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    Upstream* u = rr.pick(Clock::now(), {});
    s += u ? static_cast<char>('a' + u->index()) : '-';
  }
  return s;
}

TEST(SmoothWeightedOrder, SpreadsHeavyUpstreamsLikeNginx) {
  EXPECT_EQ(smooth_weighted_order({5, 1, 1}), (std::vector<std::size_t>{0, 0, 1, 0, 2, 0, 0}));
  EXPECT_EQ(smooth_weighted_order({1, 1, 1}), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(smooth_weighted_order({2, 1}), (std::vector<std::size_t>{0, 1, 0}));
  EXPECT_TRUE(smooth_weighted_order({}).empty());
}

TEST(RoundRobin, RotatesStrictlyInOrder) {
  auto ups = make({1, 1, 1});
  Selector rr(*ups.table);
  EXPECT_EQ(picks(rr, 9), "abcabcabc");
}

TEST(RoundRobin, FollowsWeights) {
  auto ups = make({5, 1, 1});
  Selector rr(*ups.table);
  EXPECT_EQ(picks(rr, 14), "aabacaaaabacaa");
}

TEST(RoundRobin, SkipsAnUnhealthyUpstreamWithoutDisturbingTheOthers) {
  auto ups = make({1, 1, 1});
  Selector rr(*ups.table);
  ups[1]->set_checked_healthy(false);
  rr.refresh(Clock::now());
  EXPECT_EQ(rr.available_count(), 2u);
  const std::string s = picks(rr, 8);
  EXPECT_EQ(s.find('b'), std::string::npos) << s;
  for (std::size_t i = 1; i < s.size(); ++i) EXPECT_NE(s[i], s[i - 1]) << s;  // a c a c ...
  ups[1]->set_checked_healthy(true);
  rr.refresh(Clock::now());
  const std::string t = picks(rr, 6);
  EXPECT_EQ(std::count(t.begin(), t.end(), 'b'), 2) << t;  // re-admitted, every third
}

TEST(RoundRobin, SkipsAnUpstreamThatFailedBeforeTheRoundIsRecomputed) {
  auto ups = make({1, 1, 1});
  Selector rr(*ups.table);
  ups[2]->set_checked_healthy(false);  // no refresh: the round still lists it
  const std::string s = picks(rr, 6);
  EXPECT_EQ(s.find('c'), std::string::npos) << s;
}

TEST(RoundRobin, PassiveFailuresTakeAnUpstreamOutForFailTimeout) {
  auto ups = make({1, 1});
  Selector rr(*ups.table);
  const auto now = Clock::now();
  EXPECT_TRUE(ups[0]->report_failure(now));   // max_fails 1
  EXPECT_FALSE(ups[0]->report_failure(now));  // already out: not reported twice
  EXPECT_FALSE(ups[0]->available(now));
  EXPECT_TRUE(ups[0]->available(now + std::chrono::seconds(11)));
  rr.refresh(now);
  EXPECT_EQ(picks(rr, 3), "bbb");
  ups[0]->set_checked_healthy(true);  // a passing active check ends the cool-down
  rr.refresh(Clock::now());
  EXPECT_EQ(rr.available_count(), 2u);
}

TEST(RoundRobin, MaxFailsCountsConsecutiveFailures) {
  Ups ups;
  UpstreamConfig c;
  c.address = {"127.0.0.1", 1};
  c.max_fails = 3;
  ups.table->add(c);
  const auto now = Clock::now();
  ups[0]->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), 1});
  EXPECT_FALSE(ups[0]->report_failure(now));
  EXPECT_FALSE(ups[0]->report_failure(now));
  ups[0]->report_success();  // resets the count
  EXPECT_FALSE(ups[0]->report_failure(now));
  EXPECT_FALSE(ups[0]->report_failure(now));
  EXPECT_TRUE(ups[0]->report_failure(now));
  EXPECT_FALSE(ups[0]->available(now));
}

TEST(RoundRobin, NoAvailableUpstreamPicksNothing) {
  auto ups = make({1, 1});
  Selector rr(*ups.table);
  for (auto& u : ups) u->set_checked_healthy(false);
  rr.refresh(Clock::now());
  EXPECT_EQ(rr.pick(Clock::now(), {}), nullptr);
  EXPECT_EQ(rr.available_count(), 0u);
}

TEST(RoundRobin, UnresolvedUpstreamsAreDown) {
  Ups ups;
  UpstreamConfig c;
  c.address = {"api1", 5000};
  ups.table->add(c);
  Selector rr(*ups.table);
  EXPECT_EQ(rr.pick(Clock::now(), {}), nullptr);
}

// Across threads the rotation is global: every upstream gets exactly its share.
TEST(RoundRobin, IsExactAcrossThreads) {
  auto ups = make({1, 1, 1});
  Selector rr(*ups.table);
  std::vector<std::thread> threads;
  std::vector<std::map<std::size_t, int>> counts(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30000; ++i) counts[t][rr.pick(Clock::now(), {})->index()]++;
    });
  }
  for (auto& th : threads) th.join();
  std::map<std::size_t, int> total;
  for (auto& m : counts) {
    for (auto [k, v] : m) total[k] += v;
  }
  EXPECT_EQ(total[0], 40000);
  EXPECT_EQ(total[1], 40000);
  EXPECT_EQ(total[2], 40000);
}

}  // namespace
}  // namespace conv::balancer
