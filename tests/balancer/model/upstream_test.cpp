// Upstream's state and its named writers: each atomic changes through one member function,
// and these tests pin what each one does.
#include "conv/balancer/model/upstream.hpp"

#include <gtest/gtest.h>

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;
using Clock = Upstream::Clock;

std::unique_ptr<Upstream> make_upstream(unsigned max_fails = 1) {
  UpstreamConfig c;
  c.address = {"127.0.0.1", 5001};
  c.max_fails = max_fails;
  c.fail_timeout = std::chrono::milliseconds(10'000);
  auto u = std::make_unique<Upstream>(c, 0, "127.0.0.1:5001");
  u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), 5001});
  return u;
}

TEST(Upstream, FailuresCountEveryReportedFailureEvenWhenPassiveChecksAreOff) {
  auto off = make_upstream(0);
  const auto now = Clock::now();
  EXPECT_FALSE(off->report_failure(now));
  EXPECT_FALSE(off->report_failure(now));
  EXPECT_EQ(off->failures(), 2u);
  EXPECT_TRUE(off->available(now));  // max_fails 0: never taken out

  auto on = make_upstream(1);
  EXPECT_TRUE(on->report_failure(now));  // the first failure takes it out...
  EXPECT_FALSE(on->available(now));
  EXPECT_FALSE(on->report_failure(now));  // ...and a second one while out does not again
  EXPECT_EQ(on->failures(), 2u);
}

TEST(Upstream, FirstAvailabilityDoesNotRampButRejoiningDoes) {
  auto u = make_upstream();
  const auto t0 = Clock::now();
  u->note_available(false, true, t0);  // at start-up: full weight at once
  EXPECT_EQ(u->recovered_at(), 0);
  u->note_available(true, true, t0 + 1s);  // still a member: nothing starts
  EXPECT_EQ(u->recovered_at(), 0);
  u->note_available(false, true, t0 + 2s);  // back after being out: the ramp starts now
  EXPECT_EQ(u->recovered_at(), (t0 + 2s).time_since_epoch().count());
}

TEST(Upstream, NoRampWithoutSlowStart) {
  auto u = make_upstream();
  const auto t0 = Clock::now();
  u->note_available(false, false, t0);
  u->note_available(false, false, t0 + 1s);
  EXPECT_EQ(u->recovered_at(), 0);
}

TEST(Upstream, AnInstanceThatJoinsLaterRampsUpOnItsFirstAvailability) {
  auto u = make_upstream();
  u->ramp_up_on_join();
  const auto t0 = Clock::now();
  u->note_available(false, true, t0);
  EXPECT_EQ(u->recovered_at(), t0.time_since_epoch().count());
}

}  // namespace
}  // namespace conv::balancer
