#include "conv/http/deadline_timer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <stdexcept>

namespace conv::http {
namespace {

using Clock = DeadlineTimer::Clock;
using std::chrono::milliseconds;

// What owns a timer: a connection or an exchange, held by a shared_ptr.
struct Owner : std::enable_shared_from_this<Owner> {
  Owner(const boost::asio::any_io_executor& executor, Clock::duration max_sleep)
      : executor(executor), timer(executor, max_sleep) {}
  void on_deadline() {
    ++fired;
    fired_at = Clock::now();
    using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
    const auto* strand = executor.target<Strand>();
    on_strand = strand != nullptr && strand->running_in_this_thread();
  }
  boost::asio::any_io_executor executor;
  DeadlineTimer timer;
  int fired = 0;
  Clock::time_point fired_at;
  bool on_strand = false;
};

struct DeadlineTimerTest : ::testing::Test {
  std::shared_ptr<Owner> make(Clock::duration max_sleep = DeadlineTimer::kNoMaxSleep) {
    return std::make_shared<Owner>(io.get_executor(), max_sleep);
  }
  boost::asio::io_context io;
};

TEST_F(DeadlineTimerTest, FiresOnceWhenTheDeadlinePassesAndThenLetsGoOfItsOwner) {
  auto owner = make();
  const auto deadline = Clock::now() + milliseconds(30);
  owner->timer.set(deadline, *owner);
  EXPECT_EQ(owner.use_count(), 2);  // the pending wait keeps the owner alive
  io.run();
  EXPECT_EQ(owner->fired, 1);
  EXPECT_GE(owner->fired_at, deadline);
  EXPECT_FALSE(owner->timer.armed());
  EXPECT_EQ(owner.use_count(), 1);
}

TEST_F(DeadlineTimerTest, ALaterDeadlineIsAFieldWriteAndTheEarlyWakeUpWaitsOnForIt) {
  auto owner = make();
  const auto first = Clock::now() + milliseconds(20);
  owner->timer.set(first, *owner);
  const auto later = first + milliseconds(60);
  owner->timer.set(later, *owner);
  EXPECT_EQ(owner->timer.expiry(), first);  // not rescheduled
  io.run();
  EXPECT_EQ(owner->fired, 1);
  EXPECT_GE(owner->fired_at, later);
}

TEST_F(DeadlineTimerTest, AnEarlierDeadlineReschedulesAtOnce) {
  auto owner = make();
  const auto start = Clock::now();
  owner->timer.set(start + std::chrono::hours(1), *owner);
  owner->timer.set(start + milliseconds(10), *owner);
  EXPECT_EQ(owner->timer.expiry(), start + milliseconds(10));
  io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(owner->fired, 1);  // once: the superseded wait is stale
  EXPECT_LT(owner->fired_at - start, std::chrono::seconds(5));
}

TEST_F(DeadlineTimerTest, ClearedNothingFiresAndNothingIsRescheduled) {
  auto owner = make();
  owner->timer.set(Clock::now() + milliseconds(10), *owner);
  owner->timer.clear();
  io.run();  // returns: the wait ended and found nothing timed
  EXPECT_EQ(owner->fired, 0);
  EXPECT_FALSE(owner->timer.armed());
  EXPECT_EQ(owner.use_count(), 1);
}

TEST_F(DeadlineTimerTest, CancelReleasesTheOwnerWithoutWaiting) {
  auto owner = make();
  owner->timer.set(Clock::now() + std::chrono::hours(1), *owner);
  owner->timer.cancel();
  EXPECT_EQ(owner->timer.deadline(), Clock::time_point::max());
  const auto start = Clock::now();
  io.run();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(owner->fired, 0);
  EXPECT_EQ(owner.use_count(), 1);
}

TEST_F(DeadlineTimerTest, MaxSleepBoundsEachWaitButNotTheDeadline) {
  auto owner = make(milliseconds(10));
  const auto start = Clock::now();
  const auto deadline = start + milliseconds(60);
  owner->timer.set(deadline, *owner);
  EXPECT_LE(owner->timer.expiry(), Clock::now() + milliseconds(10));
  io.run();
  EXPECT_EQ(owner->fired, 1);
  EXPECT_GE(owner->fired_at, deadline);
}

TEST_F(DeadlineTimerTest, WithMaxSleepItKeepsWakingWhenNothingIsTimed) {
  // The session's timer: cleared, it still wakes every max_sleep, so a new deadline set
  // later never needs a reschedule.
  auto owner = make(milliseconds(5));
  owner->timer.set(Clock::now() + milliseconds(5), *owner);
  owner->timer.clear();
  io.run_for(milliseconds(50));
  EXPECT_EQ(owner->fired, 0);
  EXPECT_TRUE(owner->timer.armed());
  owner->timer.cancel();
}

TEST_F(DeadlineTimerTest, ArmsAgainAfterExpiring) {
  auto owner = make();
  owner->timer.set(Clock::now() + milliseconds(5), *owner);
  io.run();
  const auto second = Clock::now() + milliseconds(5);
  owner->timer.set(second, *owner);
  io.restart();
  io.run();
  EXPECT_EQ(owner->fired, 2);
  EXPECT_GE(owner->fired_at, second);
}

// IoModel::shared: a connection runs on a strand of the one io_context, and its deadline must
// fire on that strand, never beside the connection's other handlers on another thread.
TEST_F(DeadlineTimerTest, AnOwnerOnAStrandIsToldOnTheStrand) {
  auto owner = std::make_shared<Owner>(boost::asio::make_strand(io), DeadlineTimer::kNoMaxSleep);
  owner->timer.set(Clock::now() + milliseconds(5), *owner);
  io.run();
  EXPECT_EQ(owner->fired, 1);
  EXPECT_TRUE(owner->on_strand);
}

TEST_F(DeadlineTimerTest, RefusesAnExecutorThatIsNotAnIoContextsOrAStrandOfOne) {
  boost::asio::thread_pool pool(1);
  EXPECT_THROW(DeadlineTimer(pool.get_executor()), std::invalid_argument);
  pool.join();
}

}  // namespace
}  // namespace conv::http
