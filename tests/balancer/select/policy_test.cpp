// The policies beyond round-robin: distributions, key movement of consistent hashing, slow
// start, the connection cap, outlier ejection and the retry budget.
#include <gtest/gtest.h>

#include <map>

#include "conv/balancer/proxy/retry_budget.hpp"
#include "conv/balancer/select/ring_hash.hpp"
#include "conv/balancer/select/selector.hpp"

namespace conv::balancer {
namespace {

using Clock = Upstream::Clock;
using namespace std::chrono_literals;

// A table of resolved upstreams on 127.0.0.1:5001... with the given weights.
std::unique_ptr<UpstreamTable> table_of(std::vector<unsigned> weights, unsigned max_conns = 0) {
  auto t = std::make_unique<UpstreamTable>();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    UpstreamConfig c;
    c.address = {"127.0.0.1", static_cast<std::uint16_t>(5001 + i)};
    c.weight = weights[i];
    c.max_conns = max_conns;
    t->add(c).front()->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), c.address.port});
  }
  return t;
}

PolicyConfig policy(PolicyKind kind) {
  PolicyConfig p;
  p.kind = kind;
  return p;
}

PolicyConfig hash_on(HashKey::Kind kind, std::string name = {}) {
  PolicyConfig p;
  p.kind = PolicyKind::hash;
  p.key.kind = kind;
  p.key.name = std::move(name);
  return p;
}

// Picks `n` times, releasing each pick at once; counts by upstream index.
std::map<std::size_t, int> spread(Selector& s, int n, const PickKey& key = {}) {
  std::map<std::size_t, int> counts;
  for (int i = 0; i < n; ++i) {
    Upstream* u = s.pick(Clock::now(), key);
    if (!u) {
      counts[999]++;
      continue;
    }
    counts[u->index()]++;
    u->release();
  }
  return counts;
}

TEST(LeastConn, SendsEachRequestToTheLeastLoadedRelativeToWeight) {
  auto t = table_of({2, 1, 1});
  Selector s(*t, policy(PolicyKind::least_conn));
  // Requests that stay in flight: the loads follow the weights exactly (2:1:1).
  for (int i = 0; i < 40; ++i) ASSERT_NE(s.pick(Clock::now(), {}), nullptr);
  EXPECT_EQ((*t)[0].in_flight(), 20);
  EXPECT_EQ((*t)[1].in_flight(), 10);
  EXPECT_EQ((*t)[2].in_flight(), 10);
  // One upstream with long requests gets none of the next ones until it catches up.
  for (int i = 0; i < 10; ++i) (*t)[1].release();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.pick(Clock::now(), {})->index(), 1u);
}

TEST(LeastConn, RotatesAmongEquallyLoadedUpstreams) {
  auto t = table_of({1, 1, 1});
  Selector s(*t, policy(PolicyKind::least_conn));
  const auto counts = spread(s, 300);  // each released at once: all tie at 0 in flight
  EXPECT_EQ(counts.at(0), 100);
  EXPECT_EQ(counts.at(1), 100);
  EXPECT_EQ(counts.at(2), 100);
}

TEST(RandomTwoChoices, FollowsWeightsWhenIdle) {
  auto t = table_of({3, 1});
  Selector s(*t, policy(PolicyKind::random));
  const auto counts = spread(s, 40000);
  // Idle upstreams tie, so the first draw wins: in proportion to weight, 3:1.
  EXPECT_NEAR(counts.at(0) / 40000.0, 0.75, 0.02);
  EXPECT_NEAR(counts.at(1) / 40000.0, 0.25, 0.02);
}

TEST(RandomTwoChoices, KeepsInFlightLoadsClose) {
  auto t = table_of({1, 1, 1, 1, 1});
  Selector s(*t, policy(PolicyKind::random));
  for (int i = 0; i < 5000; ++i) ASSERT_NE(s.pick(Clock::now(), {}), nullptr);
  std::int64_t lo = 1 << 30, hi = 0;
  for (const auto& u : *t) {
    lo = std::min(lo, u->in_flight());
    hi = std::max(hi, u->in_flight());
  }
  // One random choice would leave a spread of about 2 * sqrt(1000) = 60; two choices keep
  // it within a few requests.
  EXPECT_LE(hi - lo, 8) << lo << " " << hi;
}

http::RequestHeader with_header(std::string_view name, std::string_view value) {
  http::RequestHeader r;
  r.set(name, value);
  return r;
}

// Where each of `keys` goes, hashing the X-User header.
std::vector<std::size_t> owners(Selector& s, int keys) {
  std::vector<std::size_t> out;
  for (int k = 0; k < keys; ++k) {
    const auto req = with_header("X-User", "user-" + std::to_string(k));
    Upstream* u = s.pick(Clock::now(), {&req, "10.0.0.1"});
    out.push_back(u ? u->index() : 999);
    if (u) u->release();
  }
  return out;
}

TEST(ConsistentHash, SpreadsKeysEvenlyAndIsSticky) {
  auto t = table_of({1, 1, 1, 1});
  Selector s(*t, hash_on(HashKey::header, "X-User"));
  const auto first = owners(s, 20000);
  EXPECT_EQ(owners(s, 20000), first);  // the same key, the same upstream
  std::map<std::size_t, int> counts;
  for (auto o : first) counts[o]++;
  ASSERT_EQ(counts.size(), 4u);
  for (auto [i, n] : counts) EXPECT_NEAR(n / 20000.0, 0.25, 0.06) << i;
}

TEST(ConsistentHash, AnUpstreamLeavingMovesOnlyItsOwnKeys) {
  auto t = table_of({1, 1, 1, 1, 1});
  Selector s(*t, hash_on(HashKey::header, "X-User"));
  const auto before = owners(s, 20000);
  (*t)[2].set_checked_healthy(false);
  s.refresh(Clock::now());
  const auto after = owners(s, 20000);
  int moved = 0, owned = 0;
  for (std::size_t k = 0; k < before.size(); ++k) {
    if (before[k] == 2) {
      ++owned;
      EXPECT_NE(after[k], 2u);
    } else {
      EXPECT_EQ(after[k], before[k]) << "key " << k << " moved though its upstream stayed";
    }
    moved += before[k] != after[k] ? 1 : 0;
  }
  EXPECT_EQ(moved, owned);  // exactly the leaving upstream's keys: about 1/5
  EXPECT_NEAR(moved / 20000.0, 0.2, 0.06);
  // It comes back: every key returns to where it was.
  (*t)[2].set_checked_healthy(true);
  s.refresh(Clock::now());
  EXPECT_EQ(owners(s, 20000), before);
}

TEST(ConsistentHash, AnUpstreamJoiningTakesAboutItsShareFromTheOthers) {
  auto t = table_of({1, 1, 1, 1});
  Selector s(*t, hash_on(HashKey::header, "X-User"));
  const auto before = owners(s, 20000);
  UpstreamConfig c;
  c.address = {"127.0.0.1", 5005};
  t->add(c).front()->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), 5005});
  s.refresh(Clock::now());
  const auto after = owners(s, 20000);
  int moved = 0;
  for (std::size_t k = 0; k < before.size(); ++k) {
    if (before[k] == after[k]) continue;
    ++moved;
    EXPECT_EQ(after[k], 4u) << "a key moved between two old upstreams";
  }
  EXPECT_NEAR(moved / 20000.0, 0.2, 0.06);
}

TEST(ConsistentHash, HashesACookieOrTheClientAddress) {
  auto t = table_of({1, 1, 1});
  Selector by_cookie(*t, hash_on(HashKey::cookie, "sid"));
  std::map<std::size_t, int> seen;
  for (int k = 0; k < 30; ++k) {
    const auto a = with_header("Cookie", "theme=dark; sid=s" + std::to_string(k) + "; x=1");
    const auto b = with_header("Cookie", "sid=s" + std::to_string(k));
    Upstream* ua = by_cookie.pick(Clock::now(), {&a, "10.0.0.1"});
    Upstream* ub = by_cookie.pick(Clock::now(), {&b, "10.0.0.2"});
    ASSERT_TRUE(ua && ub);
    EXPECT_EQ(ua, ub) << k;  // the cookie decides, not the other cookies or the address
    seen[ua->index()]++;
  }
  EXPECT_EQ(seen.size(), 3u);

  Selector by_address(*t, hash_on(HashKey::client_address));
  const http::RequestHeader none;
  Upstream* first = by_address.pick(Clock::now(), {&none, "192.0.2.7"});
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(by_address.pick(Clock::now(), {&none, "192.0.2.7"}), first);
}

TEST(ConsistentHash, RequestsWithoutTheKeyGoRoundRobin) {
  auto t = table_of({1, 1, 1});
  Selector s(*t, hash_on(HashKey::header, "X-User"));
  const http::RequestHeader none;
  std::string seq;
  for (int i = 0; i < 6; ++i) {
    Upstream* u = s.pick(Clock::now(), {&none, "10.0.0.1"});
    seq += static_cast<char>('a' + u->index());
    u->release();
  }
  EXPECT_EQ(seq, "abcabc");
}

// A retry goes to the next owner on the ring: where the key would go if the upstreams
// already tried had left (only their keys move, to the next points' owners). Checked for many
// keys, for the first and the second retry, against selectors whose tables lack those
// upstreams.
TEST(ConsistentHash, RetriesGoToTheNextUpstreamOnTheRing) {
  auto t = table_of({1, 1, 1, 1});
  Selector s(*t, hash_on(HashKey::header, "X-User"));
  int differs_from_round_robin = 0;
  for (int k = 0; k < 200; ++k) {
    const auto req = with_header("X-User", "user-" + std::to_string(k));
    Upstream* first = s.pick(Clock::now(), {&req, ""});
    ASSERT_NE(first, nullptr);
    first->release();
    std::vector<std::size_t> tried = {first->index()};
    for (int retry = 0; retry < 2; ++retry) {
      Upstream* next = s.pick(Clock::now(), {&req, ""}, tried);
      ASSERT_NE(next, nullptr);
      next->release();
      // The same ring without the upstreams tried: every other upstream keeps its points.
      for (std::size_t i : tried) (*t)[i].set_checked_healthy(false);
      Selector without(*t, hash_on(HashKey::header, "X-User"));
      Upstream* owner = without.pick(Clock::now(), {&req, ""});
      ASSERT_NE(owner, nullptr);
      owner->release();
      for (std::size_t i : tried) (*t)[i].set_checked_healthy(true);
      EXPECT_EQ(next->index(), owner->index()) << "key " << k << ", retry " << retry + 1;
      differs_from_round_robin += next->index() != (tried.back() + 1) % 4 ? 1 : 0;
      tried.push_back(next->index());
    }
  }
  // Not merely the next index: the ring's order, which differs from key to key.
  EXPECT_GT(differs_from_round_robin, 100);
}

TEST(SlowStart, ARecoveredUpstreamRampsUpOverTheWindow) {
  auto t = table_of({1, 1});
  PolicyConfig p;
  p.slow_start = 10s;
  Selector s(*t, p);
  auto weight_of = [&](std::size_t i) { return s.snapshot()->weights[i]; };
  const auto t0 = Clock::now();
  EXPECT_EQ(weight_of(1), Selector::kWeightScale);  // at start-up: full weight at once
  (*t)[1].set_checked_healthy(false);
  s.refresh(t0);
  EXPECT_EQ(weight_of(1), 0u);
  (*t)[1].set_checked_healthy(true);
  s.refresh(t0 + 1ms);  // back: from the smallest weight
  EXPECT_EQ(weight_of(1), 1u);
  s.refresh(t0 + 5s);
  EXPECT_NEAR(weight_of(1), Selector::kWeightScale / 2, 1);
  s.refresh(t0 + 11s);
  EXPECT_EQ(weight_of(1), Selector::kWeightScale);
  // Mid-ramp, round-robin sends it its share: weight 5 of 15.
  s.refresh(t0 + 5s + 1ms);
  const auto counts = spread(s, 1500);
  EXPECT_NEAR(counts.at(1) / 1500.0, static_cast<double>(weight_of(1)) / (10 + weight_of(1)), 0.01);
}

TEST(ConnectionCap, AFullUpstreamIsSkippedAndNothingIsPickedWhenAllAreFull) {
  auto t = table_of({1, 1}, 2);
  Selector s(*t, policy(PolicyKind::round_robin));
  for (int i = 0; i < 4; ++i) ASSERT_NE(s.pick(Clock::now(), {}), nullptr);
  EXPECT_EQ((*t)[0].in_flight(), 2);
  EXPECT_EQ((*t)[1].in_flight(), 2);
  EXPECT_EQ(s.pick(Clock::now(), {}), nullptr);  // both at their cap
  (*t)[1].release();
  Upstream* u = s.pick(Clock::now(), {});
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->index(), 1u);
  Selector lc(*t, policy(PolicyKind::least_conn));
  EXPECT_EQ(lc.pick(Clock::now(), {}), nullptr);
}

TEST(OutlierEjection, ConsecutiveServerErrorsEjectForTheEjectionTime) {
  auto t = table_of({1});
  Upstream& u = (*t)[0];
  const auto now = Clock::now();
  EXPECT_FALSE(u.report_status(500, now, 3, 30s));
  EXPECT_FALSE(u.report_status(503, now, 3, 30s));
  EXPECT_FALSE(u.report_status(200, now, 3, 30s));  // a success resets the run
  EXPECT_FALSE(u.report_status(502, now, 3, 30s));
  EXPECT_FALSE(u.report_status(500, now, 3, 30s));
  EXPECT_TRUE(u.available(now));
  EXPECT_TRUE(u.report_status(500, now, 3, 30s));
  EXPECT_FALSE(u.available(now));
  EXPECT_EQ(u.state(now), "ejected");
  EXPECT_TRUE(u.available(now + 31s));
  EXPECT_FALSE(u.report_status(500, now, 0, 30s));  // 0: off
}

TEST(DrainAndDisable, TakeAnUpstreamOutAndDrainedMeansNothingInFlight) {
  auto t = table_of({1, 1});
  Selector s(*t);
  Upstream* held = s.pick(Clock::now(), {});
  ASSERT_EQ(held->index(), 0u);
  (*t)[0].set_admin_state(AdminState::draining);
  s.refresh(Clock::now());
  EXPECT_EQ((*t)[0].state(Clock::now()), "draining");  // one request still in flight
  for (const auto& [i, n] : spread(s, 10)) EXPECT_EQ(i, 1u);
  held->release();
  EXPECT_EQ((*t)[0].state(Clock::now()), "drained");
  (*t)[1].set_admin_state(AdminState::disabled);
  s.refresh(Clock::now());
  EXPECT_EQ(s.pick(Clock::now(), {}), nullptr);
  (*t)[0].set_admin_state(AdminState::active);
  s.refresh(Clock::now());
  EXPECT_EQ(spread(s, 3).at(0), 3);
}

TEST(RetryBudget, RetriesInFlightStayWithinTheShareOfRequestsInFlight) {
  auto t = table_of({1, 1});
  BalancerConfig c = default_config();
  c.retry_budget.ratio = 0.25;
  c.retry_budget.min_concurrent = 1;
  ProxySettings settings(c);
  RetryBudget budget;
  Selector s(*t);
  for (int i = 0; i < 8; ++i) s.pick(Clock::now(), {});  // 8 requests in flight: 2 retries
  EXPECT_TRUE(budget.try_start(*t, settings));
  EXPECT_TRUE(budget.try_start(*t, settings));
  EXPECT_FALSE(budget.try_start(*t, settings));
  EXPECT_EQ(budget.denied(), 1u);
  budget.finish();
  EXPECT_TRUE(budget.try_start(*t, settings));
  // With nothing in flight, min_concurrent still allows one.
  RetryBudget idle;
  auto empty = table_of({1});
  EXPECT_TRUE(idle.try_start(*empty, settings));
  EXPECT_FALSE(idle.try_start(*empty, settings));
  // No ratio: no budget.
  c.retry_budget.ratio = 0;
  ProxySettings unlimited(c);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(idle.try_start(*empty, unlimited));
}

}  // namespace
}  // namespace conv::balancer
