#include "conv/http/deadline_timer.hpp"

#include <algorithm>
#include <stdexcept>

namespace conv::http {

DeadlineTimer::DeadlineTimer(const boost::asio::any_io_executor& executor,
                             Clock::duration max_sleep)
    : timer_(native_executor(executor)), max_sleep_(max_sleep) {
  if (const auto* strand = executor.target<Strand>()) strand_ = std::make_unique<Strand>(*strand);
}

DeadlineTimer::Native DeadlineTimer::native_executor(const boost::asio::any_io_executor& executor) {
  if (const auto* strand = executor.target<Strand>()) return strand->get_inner_executor();
  if (const auto* native = executor.target<Native>()) return *native;
  throw std::invalid_argument("DeadlineTimer: not an io_context's executor or a strand of one");
}

void DeadlineTimer::cancel() {
  deadline_ = Clock::time_point::max();
  if (!armed_) return;
  ++generation_;
  armed_ = false;
  timer_.cancel();
}

DeadlineTimer::Clock::time_point DeadlineTimer::next_expiry(Clock::time_point now) const {
  // Saturating: the default max_sleep (no limit) would overflow now + max_sleep.
  const bool capped = max_sleep_ < Clock::time_point::max() - now;
  return capped ? std::min(deadline_, now + max_sleep_) : deadline_;
}

std::uint64_t DeadlineTimer::begin_wait(Clock::time_point at) {
  armed_ = true;
  expiry_ = at;
  timer_.expires_at(at);  // cancels the wait in progress, which the new generation makes stale
  return ++generation_;
}

DeadlineTimer::Fired DeadlineTimer::on_fire(const boost::system::error_code& ec,
                                            std::uint64_t generation, Clock::time_point now) {
  if (generation != generation_) return Fired::stale;
  armed_ = false;
  if (ec) return Fired::stopped;
  // Early: wait on for what is left (nothing, without a max_sleep, if nothing is timed).
  return now < deadline_ ? Fired::early : Fired::expired;
}

}  // namespace conv::http
