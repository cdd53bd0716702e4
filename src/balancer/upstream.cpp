#include "conv/balancer/upstream.hpp"

namespace conv::balancer {

Upstream::Upstream(UpstreamConfig config, std::size_t index)
    : config_(std::move(config)), index_(index), name_(config_.address.text()) {}

void Upstream::set_endpoint(const boost::asio::ip::tcp::endpoint& ep) {
  {
    std::lock_guard lock(endpoint_mutex_);
    endpoint_ = ep;
  }
  resolved_.store(true, std::memory_order_release);
}

std::optional<boost::asio::ip::tcp::endpoint> Upstream::endpoint() const {
  std::lock_guard lock(endpoint_mutex_);
  return endpoint_;
}

bool Upstream::available(Clock::time_point now) const {
  if (!resolved() || !checked_healthy()) return false;
  const auto until = down_until_.load(std::memory_order_acquire);
  return until == 0 || now.time_since_epoch().count() >= until;
}

bool Upstream::report_failure(Clock::time_point now) {
  failures.fetch_add(1, std::memory_order_relaxed);
  if (config_.max_fails == 0) return false;  // passive checks off, as nginx's max_fails=0
  const auto now_ticks = now.time_since_epoch().count();
  if (down_until_.load(std::memory_order_acquire) > now_ticks) return false;  // already out
  const unsigned n = consecutive_failures_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (n < config_.max_fails) return false;
  consecutive_failures_.store(0, std::memory_order_release);
  const auto until = (now + config_.fail_timeout).time_since_epoch().count();
  down_until_.store(until, std::memory_order_release);
  return true;
}

void Upstream::report_success() {
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
}

void Upstream::set_checked_healthy(bool healthy) {
  checked_healthy_.store(healthy, std::memory_order_release);
  if (healthy) down_until_.store(0, std::memory_order_release);
}

}  // namespace conv::balancer
