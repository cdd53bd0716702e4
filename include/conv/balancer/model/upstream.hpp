#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// What an operator (admin API) or the config file says about an upstream, apart from health.
enum class AdminState : std::uint8_t {
  active,    // gets requests when healthy
  draining,  // no new requests; those in flight finish; health checks go on
  disabled,  // no requests and no health checks
  removed,   // gone from the config (a reload); kept for requests still in flight
};
const char* to_string(AdminState s);

// One upstream server and what the balancer knows of it: where it is (resolved address) and
// whether it may be sent requests (active checks, passive failures, outlier ejection, admin
// state). Shared by all threads: the request path reads only atomics; the endpoint, which
// changes only when resolution does, is read under a per-upstream lock when a new
// connection is opened. An Upstream lives as long as the balancer (see UpstreamTable), so a
// request in flight never outlives the object it was sent to.
class Upstream {
 public:
  using Clock = std::chrono::steady_clock;

  // `name`: one of slot_names(config). Builds config.tls_context if config.tls is set and it
  // is not built yet (may throw tls::TlsError then).
  Upstream(UpstreamConfig config, std::size_t index, std::string name);
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  // The address as configured, and the other settings as first configured; the current
  // values of what a reload or the admin API changes are the accessors below.
  const UpstreamConfig& config() const { return config_; }
  std::size_t index() const { return index_; }
  const std::string& name() const { return name_; }  // "host:port" as configured (#slot)
  // The TLS context of connections to it, as first configured (a reload does not change it);
  // null: plain TCP.
  const std::shared_ptr<const tls::ClientContext>& tls() const { return config_.tls_context; }

  // Settings a reload or the admin API may change at any time, from any thread.
  void apply(const UpstreamConfig& c);  // weight, max_fails, fail_timeout, max_conns
  unsigned weight() const { return weight_.load(std::memory_order_relaxed); }
  void set_weight(unsigned w) { weight_.store(w, std::memory_order_relaxed); }
  unsigned max_fails() const { return max_fails_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds fail_timeout() const {
    return std::chrono::milliseconds(fail_timeout_ms_.load(std::memory_order_relaxed));
  }
  unsigned max_conns() const { return max_conns_.load(std::memory_order_relaxed); }
  AdminState admin_state() const { return admin_state_.load(std::memory_order_acquire); }
  void set_admin_state(AdminState s) { admin_state_.store(s, std::memory_order_release); }

  // Resolution.
  void set_endpoint(const boost::asio::ip::tcp::endpoint& ep);
  // Discovery: gives a slot a new address (or none: it leaves the rotation) with fresh health
  // state (checks, passive failures, outlier ejection, last check; the admin state, weight and
  // requests in flight stay with the slot); `healthy` says whether it may get requests before
  // its first health check passes.
  void assign(const std::optional<boost::asio::ip::tcp::endpoint>& ep, bool healthy);
  // Changes with every assign(): a pooled connection made under another generation goes to a
  // former address. Read it before endpoint(): then a new generation implies the new address.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::optional<boost::asio::ip::tcp::endpoint> endpoint() const;
  bool resolved() const { return resolved_.load(std::memory_order_acquire); }

  // May it get requests now? Active, resolved, not failed by active checks, not in a passive
  // cool-down, not ejected as an outlier. (The connection cap is checked by try_acquire.)
  bool available(Clock::time_point now) const;
  // Why not, in one word, for /status: "up", "down", "cooling", "ejected", "unresolved",
  // "draining", "drained", "disabled", "removed".
  std::string state(Clock::time_point now) const;
  // Every value state() returns (a state set on /metrics lists them all, 0 or 1).
  static constexpr std::array<const char*, 9> kStates = {"up",      "down",       "cooling",
                                                         "ejected", "unresolved", "draining",
                                                         "drained", "disabled",   "removed"};

  // Requests in flight on it. try_acquire() counts one more unless max_conns are already in
  // flight; every successful try_acquire() is paired with one release().
  bool try_acquire();
  void release() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  // Passive health, from real traffic. A failure is a connect error, a timeout, a reset or a
  // malformed response. Returns true when this failure took the upstream out (max_fails
  // consecutive failures: out for fail_timeout).
  bool report_failure(Clock::time_point now);
  void report_success();
  // Failed attempts since start, for /metrics and /status (attempts are counted per thread
  // by the pool). Written only by report_failure().
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

  // Outlier ejection: `limit` consecutive 5xx answers (0: off) eject it for `ejection`.
  // Returns true when this answer ejected it.
  bool report_status(unsigned status, Clock::time_point now, unsigned limit,
                     std::chrono::milliseconds ejection);

  // Active health: the checker's verdict. A passing check also ends a passive cool-down.
  void set_checked_healthy(bool healthy);
  bool checked_healthy() const { return checked_healthy_.load(std::memory_order_acquire); }
  void set_last_check(std::string result);
  std::string last_check() const;
  // Active checks done, for /metrics: passed, and failed by reason (one of kCheckFailures).
  // Written by the checker's thread only; they survive discovery's assign().
  static constexpr std::array<const char*, 7> kCheckFailures = {
      "timeout", "resolve", "connect_refused", "tls", "reset", "malformed", "status"};
  void count_check(bool passed, std::string_view reason);
  std::uint64_t checks_passed() const { return checks_passed_.load(std::memory_order_relaxed); }
  std::uint64_t checks_failed(std::size_t reason) const {
    return checks_failed_[reason].load(std::memory_order_relaxed);
  }

  // Slow start. When it last became available again after having been available before
  // (steady clock ticks; 0: never): its weight ramps up from then.
  std::int64_t recovered_at() const { return recovered_at_.load(std::memory_order_relaxed); }
  // The Selector's, when a refresh finds it available: `was_member` says whether it was in the
  // previous round. Rejoining after having been available starts a ramp if `slow_start`.
  void note_available(bool was_member, bool slow_start, Clock::time_point now);
  // Discovery's, for an address that appears after the first resolution (a new instance):
  // it ramps up when it first becomes available, as one that comes back does.
  void ramp_up_on_join() { ever_available_.store(true, std::memory_order_relaxed); }

 private:
  UpstreamConfig config_;
  std::size_t index_;
  std::string name_;
  std::atomic<unsigned> weight_;
  std::atomic<unsigned> max_fails_;
  std::atomic<std::int64_t> fail_timeout_ms_;
  std::atomic<unsigned> max_conns_;
  std::atomic<AdminState> admin_state_{AdminState::active};
  mutable std::mutex endpoint_mutex_;  // also guards last_check_
  std::optional<boost::asio::ip::tcp::endpoint> endpoint_;
  std::string last_check_ = "none yet";
  std::atomic<bool> resolved_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> checked_healthy_{true};
  std::atomic<unsigned> consecutive_failures_{0};
  std::atomic<unsigned> consecutive_5xx_{0};
  std::atomic<std::int64_t> down_until_{0};     // steady clock ticks; 0: not down
  std::atomic<std::int64_t> ejected_until_{0};  // likewise
  std::atomic<std::int64_t> recovered_at_{0};   // see recovered_at()
  std::atomic<bool> ever_available_{false};     // available in some round since start
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> checks_passed_{0};
  std::array<std::atomic<std::uint64_t>, kCheckFailures.size()> checks_failed_{};
  // Written by every request: on a cache line of its own, away from what picks only read.
  alignas(64) std::atomic<std::int64_t> in_flight_{0};
  [[maybe_unused]] char pad_[64 - sizeof(std::atomic<std::int64_t>)] = {};
};

// The names of a config entry's upstreams: "host:port", or for "resolve": "all" its
// max_addresses slots "host:port#1"... (unresolved, so down, until discovery gives them
// addresses). An entry's upstreams are added, removed and revived together.
std::vector<std::string> slot_names(const UpstreamConfig& config);

}  // namespace conv::balancer
