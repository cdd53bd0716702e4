#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "conv/balancer/config.hpp"
#include "conv/balancer/round_robin.hpp"
#include "conv/balancer/upstream.hpp"

namespace conv::balancer {

// Runs on the main thread's io_context, never on the request path:
//  - discovery: resolves upstream names asynchronously, again every interval, and gives each
//    address a slot (plan_slots: one slot for "resolve": "first", max_addresses for "all");
//    a new address joins once a health check passes (at once when checks are off), one the
//    name no longer has leaves the rotation; a name that does not resolve yet is down;
//  - active checks: GET <path> every interval; `fails` consecutive failures mark an upstream
//    down, `passes` consecutive passes bring it back (a pass also ends a passive cool-down);
//  - refreshes the round-robin round when availability changed (passive cool-downs end).
// Logs every state change on stderr.
class HealthChecker {
 public:
  HealthChecker(boost::asio::io_context& ctx, const BalancerConfig& config,
                std::vector<std::unique_ptr<Upstream>>& upstreams, RoundRobin& round_robin);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void start();
  void stop();

 private:
  struct Probe;
  void tick();
  void check(std::size_t i);
  void discover(std::size_t group);
  void apply_discovery(std::size_t group,
                       const std::vector<boost::asio::ip::tcp::endpoint>& resolved);
  void verdict(std::size_t i, bool pass, const std::string& why);

  boost::asio::io_context& ctx_;
  const BalancerConfig& config_;
  std::vector<std::unique_ptr<Upstream>>& upstreams_;
  RoundRobin& round_robin_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_round_{};
  std::vector<unsigned> passes_;
  std::vector<unsigned> fails_;
  std::vector<bool> busy_;  // a probe or a resolution is under way
  // Bumped when discovery changes an upstream's address: a probe of the old one is ignored.
  std::vector<std::uint64_t> epoch_;
  // Per config entry with a name: its slots (upstream indexes), a resolution under way.
  struct Group {
    std::vector<std::size_t> slots;
    bool busy = false;
    bool unresolved = false;   // the last resolution found nothing (logged on change)
    std::size_t left_out = 0;  // last count of addresses beyond the slots (logged on change)
  };
  std::vector<Group> groups_;  // indexed by config entry; no slots for IP addresses
  std::shared_ptr<bool> alive_;
};

}  // namespace conv::balancer
