#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conv/balancer/config.hpp"

namespace conv::balancer {

// One upstream server and what the balancer knows of it: where it is (resolved address) and
// whether it may be sent requests (active checks, passive failures). Shared by all threads:
// the request path reads only atomics; the endpoint, which changes only when resolution
// does, is read under a per-upstream lock when a new connection is opened.
class Upstream {
 public:
  using Clock = std::chrono::steady_clock;

  // `group`: the index of its entry in the config's upstreams. An entry with "resolve": "all"
  // is max_addresses upstreams, its slots, named "host:port#1"...; the others are one each.
  Upstream(UpstreamConfig config, std::size_t index, std::size_t group, std::string name);
  Upstream(UpstreamConfig config, std::size_t index)  // one upstream per entry
      : Upstream(config, index, index, config.address.text()) {}
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  const UpstreamConfig& config() const { return config_; }
  std::size_t index() const { return index_; }
  std::size_t group() const { return group_; }
  const std::string& name() const { return name_; }  // "host:port" as configured (#slot)

  // Resolution.
  void set_endpoint(const boost::asio::ip::tcp::endpoint& ep);
  // Discovery: gives a slot a new address (or none: it leaves the rotation) with fresh health
  // state; `healthy` says whether it may get requests before its first health check passes.
  void assign(const std::optional<boost::asio::ip::tcp::endpoint>& ep, bool healthy);
  // Changes with every assign(): a pooled connection made under another generation goes to a
  // former address. Read it before endpoint(): then a new generation implies the new address.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::optional<boost::asio::ip::tcp::endpoint> endpoint() const;
  bool resolved() const { return resolved_.load(std::memory_order_acquire); }

  // May it get requests now? Resolved, not failed by active checks, not in a passive
  // cool-down.
  bool available(Clock::time_point now) const;

  // Passive health, from real traffic. A failure is a connect error, a timeout, a reset or a
  // malformed response. Returns true when this failure took the upstream out (max_fails
  // consecutive failures: out for fail_timeout).
  bool report_failure(Clock::time_point now);
  void report_success();

  // Active health: the checker's verdict. A passing check also ends a passive cool-down.
  void set_checked_healthy(bool healthy);
  bool checked_healthy() const { return checked_healthy_.load(std::memory_order_acquire); }

  // Failed attempts, for /metrics (attempts are counted per thread by the pool).
  std::atomic<std::uint64_t> failures{0};

 private:
  UpstreamConfig config_;
  std::size_t index_;
  std::size_t group_;
  std::string name_;
  mutable std::mutex endpoint_mutex_;
  std::optional<boost::asio::ip::tcp::endpoint> endpoint_;
  std::atomic<bool> resolved_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> checked_healthy_{true};
  std::atomic<unsigned> consecutive_failures_{0};
  std::atomic<std::int64_t> down_until_{0};  // steady clock ticks; 0: not down
};

// The upstreams of a config, in order: one per entry, max_addresses slots per "resolve": "all"
// entry (unresolved, so down, until discovery gives them addresses).
std::vector<std::unique_ptr<Upstream>> make_upstreams(const std::vector<UpstreamConfig>& config);

}  // namespace conv::balancer
