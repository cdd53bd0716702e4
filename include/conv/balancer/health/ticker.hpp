#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>

namespace conv::balancer {

// The HealthChecker's sense of time: what time it is, and one wake-up after a delay. The
// balancer runs it on the steady clock and an Asio timer (SteadyTicker); tests move a fake one
// by hand, so that intervals and rounds are checked without waiting for them.
class Ticker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Ticker() = default;
  virtual TimePoint now() const = 0;
  // Calls `wake` once, `delay` from now, from the checker's io_context and never from within
  // this call. A wake-up not yet due is replaced (and never called).
  virtual void wake_after(std::chrono::milliseconds delay, std::function<void()> wake) = 0;
  // The pending wake-up, if any, is never called.
  virtual void cancel() = 0;
};

class SteadyTicker : public Ticker {
 public:
  explicit SteadyTicker(boost::asio::io_context& ctx) : timer_(ctx) {}
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void wake_after(std::chrono::milliseconds delay, std::function<void()> wake) override;
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace conv::balancer
