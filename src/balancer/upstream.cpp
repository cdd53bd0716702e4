#include "conv/balancer/upstream.hpp"

namespace conv::balancer {

Upstream::Upstream(UpstreamConfig config, std::size_t index, std::size_t group, std::string name)
    : config_(std::move(config)), index_(index), group_(group), name_(std::move(name)) {}

std::vector<std::unique_ptr<Upstream>> make_upstreams(const std::vector<UpstreamConfig>& config) {
  std::vector<std::unique_ptr<Upstream>> out;
  for (std::size_t g = 0; g < config.size(); ++g) {
    const std::string name = config[g].address.text();
    if (!config[g].resolve_all) {
      out.push_back(std::make_unique<Upstream>(config[g], out.size(), g, name));
      continue;
    }
    for (unsigned slot = 1; slot <= config[g].max_addresses; ++slot) {
      out.push_back(
          std::make_unique<Upstream>(config[g], out.size(), g, name + "#" + std::to_string(slot)));
    }
  }
  return out;
}

void Upstream::set_endpoint(const boost::asio::ip::tcp::endpoint& ep) {
  {
    std::lock_guard lock(endpoint_mutex_);
    endpoint_ = ep;
  }
  resolved_.store(true, std::memory_order_release);
}

void Upstream::assign(const std::optional<boost::asio::ip::tcp::endpoint>& ep, bool healthy) {
  // Out of the rotation first, so no request sees the new address with the old health.
  resolved_.store(false, std::memory_order_release);
  checked_healthy_.store(healthy, std::memory_order_release);
  consecutive_failures_.store(0, std::memory_order_release);
  down_until_.store(0, std::memory_order_release);
  std::lock_guard lock(endpoint_mutex_);
  endpoint_ = ep;
  generation_.fetch_add(1, std::memory_order_acq_rel);  // after the address (see generation())
  if (ep) resolved_.store(true, std::memory_order_release);
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
