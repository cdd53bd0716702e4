#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace conv::http {

// One deadline per connection (or per proxied exchange), enforced by one timer re-armed
// lazily: moving the deadline later is a field write, and the timer is rescheduled only when
// it fires before the deadline, or when a deadline is set earlier than its expiry. A timer
// with a `max_sleep` never sleeps longer than that, and goes on waking every `max_sleep` while
// nothing is timed (the session's, with its shortest timeout, as before it was shared); one
// without stops when it wakes to find nothing timed (the proxied exchange's).
//
// The owner, an object held by a shared_ptr with `shared_from_this()` and `on_deadline()`,
// is kept alive by the pending wait and told when its deadline passes. Not thread-safe: use
// it on the owner's executor.
//
// The owner's executor is an io_context's, or a strand of one (IoModel::shared). The timer
// holds the io_context's own executor type rather than an any_io_executor: 48 bytes less in
// the timer and in its pending wait, which every idle connection holds; a strand's waits are
// bound to the strand.
class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kNoMaxSleep = Clock::duration::max();

  // `executor`: an io_context's executor or a strand of one; anything else throws
  // std::invalid_argument.
  explicit DeadlineTimer(const boost::asio::any_io_executor& executor,
                         Clock::duration max_sleep = kNoMaxSleep);

  template <typename Owner>
  void set(Clock::time_point deadline, Owner& owner) {
    deadline_ = deadline;
    if (!armed_ || deadline < expiry_) schedule(owner, Clock::now());
  }

  // Nothing is timed now: a pending wait finds nothing to do when it ends.
  void clear() { deadline_ = Clock::time_point::max(); }

  // Stops the timer for good (until the next set()): the owner is released at once.
  void cancel();

  Clock::time_point deadline() const { return deadline_; }
  // When the pending wait ends, if one is pending.
  Clock::time_point expiry() const { return expiry_; }
  bool armed() const { return armed_; }

 private:
  enum class Fired { stale, stopped, early, expired };

  template <typename Owner>
  void schedule(Owner& owner, Clock::time_point now) {
    const auto at = next_expiry(now);
    if (at == Clock::time_point::max()) return;  // nothing to wait for
    const std::uint64_t generation = begin_wait(at);
    // The owner's own type even when shared_from_this() gives a base's pointer.
    auto self = std::static_pointer_cast<Owner>(owner.shared_from_this());
    auto fired = [this, self = std::move(self), generation](const boost::system::error_code& ec) {
      switch (on_fire(ec, generation, Clock::now())) {
        case Fired::early:
          schedule(*self, Clock::now());
          return;
        case Fired::expired:
          self->on_deadline();
          return;
        default:
          return;
      }
    };
    if (strand_) {
      timer_.async_wait(boost::asio::bind_executor(*strand_, std::move(fired)));
    } else {
      timer_.async_wait(std::move(fired));
    }
  }

  Clock::time_point next_expiry(Clock::time_point now) const;
  std::uint64_t begin_wait(Clock::time_point at);
  Fired on_fire(const boost::system::error_code& ec, std::uint64_t generation,
                Clock::time_point now);

  using Native = boost::asio::io_context::executor_type;
  using Strand = boost::asio::strand<Native>;
  static Native native_executor(const boost::asio::any_io_executor& executor);

  boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Native> timer_;
  std::unique_ptr<Strand> strand_;  // set when the owner runs on a strand
  Clock::duration max_sleep_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point expiry_ = Clock::time_point::max();
  std::uint64_t generation_ = 0;  // tells a cancelled or superseded wait that it is stale
  bool armed_ = false;
};

}  // namespace conv::http
