#include "conv/balancer/model/upstream.hpp"

namespace conv::balancer {

std::vector<std::string> slot_names(const UpstreamConfig& config) {
  const std::string name = config.address.text();
  if (!config.resolve_all) return {name};
  std::vector<std::string> out;
  for (unsigned slot = 1; slot <= config.max_addresses; ++slot) {
    out.push_back(name + "#" + std::to_string(slot));
  }
  return out;
}

const char* to_string(AdminState s) {
  switch (s) {
    case AdminState::active:
      return "active";
    case AdminState::draining:
      return "draining";
    case AdminState::disabled:
      return "disabled";
    case AdminState::removed:
      return "removed";
  }
  return "?";
}

Upstream::Upstream(UpstreamConfig config, std::size_t index, std::string name)
    : config_(std::move(config)),
      index_(index),
      name_(std::move(name)),
      weight_(config_.weight),
      max_fails_(config_.max_fails),
      fail_timeout_ms_(config_.fail_timeout.count()),
      max_conns_(config_.max_conns) {
  if (config_.tls && !config_.tls_context) {
    config_.tls_context =
        std::make_shared<const tls::ClientContext>(*config_.tls, config_.address.host);
  }
}

void Upstream::apply(const UpstreamConfig& c) {
  weight_.store(c.weight, std::memory_order_relaxed);
  max_fails_.store(c.max_fails, std::memory_order_relaxed);
  fail_timeout_ms_.store(c.fail_timeout.count(), std::memory_order_relaxed);
  max_conns_.store(c.max_conns, std::memory_order_relaxed);
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
  consecutive_5xx_.store(0, std::memory_order_release);
  ejected_until_.store(0, std::memory_order_release);
  std::lock_guard lock(endpoint_mutex_);
  endpoint_ = ep;
  last_check_ = "none yet";
  generation_.fetch_add(1, std::memory_order_acq_rel);  // after the address (see generation())
  if (ep) resolved_.store(true, std::memory_order_release);
}

std::optional<boost::asio::ip::tcp::endpoint> Upstream::endpoint() const {
  std::lock_guard lock(endpoint_mutex_);
  return endpoint_;
}

bool Upstream::available(Clock::time_point now) const {
  if (admin_state() != AdminState::active || !resolved() || !checked_healthy()) return false;
  const auto t = now.time_since_epoch().count();
  const auto until = down_until_.load(std::memory_order_acquire);
  const auto ejected = ejected_until_.load(std::memory_order_acquire);
  return (until == 0 || t >= until) && (ejected == 0 || t >= ejected);
}

std::string Upstream::state(Clock::time_point now) const {
  switch (admin_state()) {
    case AdminState::draining:
      return in_flight() > 0 ? "draining" : "drained";
    case AdminState::disabled:
      return "disabled";
    case AdminState::removed:
      return "removed";
    case AdminState::active:
      break;
  }
  if (!resolved()) return "unresolved";
  if (!checked_healthy()) return "down";
  const auto t = now.time_since_epoch().count();
  if (t < ejected_until_.load(std::memory_order_acquire)) return "ejected";
  if (t < down_until_.load(std::memory_order_acquire)) return "cooling";
  return "up";
}

bool Upstream::try_acquire() {
  const unsigned cap = max_conns();
  const auto before = in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (cap != 0 && before >= static_cast<std::int64_t>(cap)) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void Upstream::note_available(bool was_member, bool slow_start, Clock::time_point now) {
  if (!was_member && slow_start && ever_available_.load(std::memory_order_relaxed)) {
    recovered_at_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  }
  ever_available_.store(true, std::memory_order_relaxed);
}

bool Upstream::report_failure(Clock::time_point now) {
  failures_.fetch_add(1, std::memory_order_relaxed);
  const unsigned max = max_fails();
  if (max == 0) return false;  // passive checks off, as nginx's max_fails=0
  const auto now_ticks = now.time_since_epoch().count();
  if (down_until_.load(std::memory_order_acquire) > now_ticks) return false;  // already out
  const unsigned n = consecutive_failures_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (n < max) return false;
  consecutive_failures_.store(0, std::memory_order_release);
  const auto until = (now + fail_timeout()).time_since_epoch().count();
  down_until_.store(until, std::memory_order_release);
  return true;
}

void Upstream::report_success() {
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
}

bool Upstream::report_status(unsigned status, Clock::time_point now, unsigned limit,
                             std::chrono::milliseconds ejection) {
  if (status < 500) {
    // The common case reads the counter and writes nothing.
    if (consecutive_5xx_.load(std::memory_order_relaxed) != 0) {
      consecutive_5xx_.store(0, std::memory_order_relaxed);
    }
    return false;
  }
  if (limit == 0) return false;
  const unsigned n = consecutive_5xx_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (n < limit) return false;
  consecutive_5xx_.store(0, std::memory_order_release);
  ejected_until_.store((now + ejection).time_since_epoch().count(), std::memory_order_release);
  return true;
}

void Upstream::set_checked_healthy(bool healthy) {
  checked_healthy_.store(healthy, std::memory_order_release);
  if (healthy) down_until_.store(0, std::memory_order_release);
}

void Upstream::set_last_check(std::string result) {
  std::lock_guard lock(endpoint_mutex_);
  last_check_ = std::move(result);
}

void Upstream::count_check(bool passed, std::string_view reason) {
  auto bump = [](std::atomic<std::uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  if (passed) {
    bump(checks_passed_);
    return;
  }
  std::size_t i = 0;
  while (i + 1 < kCheckFailures.size() && reason != kCheckFailures[i]) ++i;
  bump(checks_failed_[i]);  // an unknown reason counts as the last, "status"
}

std::string Upstream::last_check() const {
  std::lock_guard lock(endpoint_mutex_);
  return last_check_;
}

}  // namespace conv::balancer
