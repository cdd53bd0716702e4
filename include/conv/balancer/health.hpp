#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "conv/balancer/config.hpp"
#include "conv/balancer/selector.hpp"
#include "conv/balancer/upstream_table.hpp"

namespace conv::balancer {

// Runs on the main thread's io_context, never on the request path:
//  - resolves upstream names asynchronously; an upstream that does not resolve yet is down,
//    and resolution is retried every interval;
//  - active checks: GET <path> every interval; `fails` consecutive failures mark an upstream
//    down, `passes` consecutive passes bring it back (a pass also ends a passive cool-down);
//  - refreshes the selector when availability changed (passive cool-downs and ejections end,
//    slow start ramps).
// Disabled and removed upstreams are not checked. `config` is read on every tick, so a reload
// (on the same thread) takes effect at the next one. Logs every state change on stderr.
class HealthChecker {
 public:
  HealthChecker(boost::asio::io_context& ctx, const BalancerConfig& config,
                UpstreamTable& upstreams, Selector& selector);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void start();
  void stop();
  // An upstream was added (a reload): resolve it now rather than at the next interval.
  void added(std::size_t i);

 private:
  struct Probe;
  void tick();
  void check(std::size_t i);
  void resolve(std::size_t i);
  void verdict(std::size_t i, bool pass, const std::string& why);

  boost::asio::io_context& ctx_;
  const BalancerConfig& config_;
  UpstreamTable& upstreams_;
  Selector& selector_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_round_{};
  // By upstream index, for every index the table can hold.
  std::vector<unsigned> passes_;
  std::vector<unsigned> fails_;
  std::vector<bool> busy_;  // a probe or a resolution is under way
  std::shared_ptr<bool> alive_;
};

}  // namespace conv::balancer
