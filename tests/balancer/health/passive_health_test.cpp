// Passive health: real traffic takes an upstream out (failures) or ejects it (5xx in a row),
// and the selector sees it at once: the next pick skips it.
#include "conv/balancer/health/passive_health.hpp"

#include <gtest/gtest.h>

#include "conv/balancer/model/upstream_table.hpp"

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;
using Clock = Upstream::Clock;

struct TwoUpstreams {
  TwoUpstreams() {
    for (std::uint16_t port : {5001, 5002}) {
      UpstreamConfig c;
      c.address = {"127.0.0.1", port};
      c.max_fails = 2;
      c.fail_timeout = 10s;
      table.add(c).front()->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), port});
    }
    selector.refresh(Clock::now());
  }
  UpstreamTable table;
  Selector selector{table, PolicyConfig{}};
};

TEST(PassiveHealth, MaxFailsFailedAttemptsTakeItOutOfTheRound) {
  TwoUpstreams t;
  const auto now = Clock::now();
  report_failed_attempt(t.table[0], t.selector, now);
  EXPECT_EQ(t.selector.available_count(), 2u);  // one failure of two allowed
  report_failed_attempt(t.table[0], t.selector, now);
  EXPECT_EQ(t.selector.available_count(), 1u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.selector.pick(now, {})->index(), 1u);
}

TEST(PassiveHealth, ConsecutiveFiveHundredsEjectButOtherAnswersResetTheCount) {
  TwoUpstreams t;
  const auto now = Clock::now();
  report_answer(t.table[1], 503, 2, 30s, t.selector, now);
  report_answer(t.table[1], 200, 2, 30s, t.selector, now);  // the run is broken
  report_answer(t.table[1], 500, 2, 30s, t.selector, now);
  EXPECT_EQ(t.selector.available_count(), 2u);
  report_answer(t.table[1], 502, 2, 30s, t.selector, now);
  EXPECT_EQ(t.selector.available_count(), 1u);
  EXPECT_EQ(t.table[1].state(now), "ejected");
  EXPECT_EQ(t.table[1].state(now + 31s), "up");  // the ejection lasts `ejection`
}

TEST(PassiveHealth, OutlierEjectionOffNeverEjects) {
  TwoUpstreams t;
  const auto now = Clock::now();
  for (int i = 0; i < 10; ++i) report_answer(t.table[0], 500, 0, 30s, t.selector, now);
  EXPECT_EQ(t.selector.available_count(), 2u);
}

}  // namespace
}  // namespace conv::balancer
