#pragma once

#include <atomic>

#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"
#include "conv/balancer/proxy/proxy_settings.hpp"
#include "conv/balancer/proxy/retry_budget.hpp"
#include "conv/balancer/select/selector.hpp"

namespace conv::balancer {

// The balancer's shared state, apart from any listener: every upstream (the table), how one
// is picked (the selector), the idle connections to them (the pools), the settings a reload
// may change, the retry budget, and whether the balancer is draining. The role owns it; the
// HTTP handler forwards through it, and the admin API, the health checker, the stats and
// reload read or change it without knowing the handler. Shared by every thread: each member
// says how it may be used concurrently.
class UpstreamCluster {
 public:
  explicit UpstreamCluster(const BalancerConfig& config);
  UpstreamCluster(const UpstreamCluster&) = delete;
  UpstreamCluster& operator=(const UpstreamCluster&) = delete;

  UpstreamTable& upstreams() { return upstreams_; }
  const UpstreamTable& upstreams() const { return upstreams_; }
  Selector& selector() { return selector_; }
  const Selector& selector() const { return selector_; }
  PoolSet& pools() { return pools_; }
  const PoolSet& pools() const { return pools_; }
  ProxySettings& settings() { return settings_; }
  const ProxySettings& settings() const { return settings_; }
  RetryBudget& retry_budget() { return budget_; }
  const RetryBudget& retry_budget() const { return budget_; }

  // Draining: /readyz says so and load balancers in front stop sending new connections.
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  // Closes the idle upstream connections. Call after the server's threads have stopped and
  // before its io_contexts are destroyed.
  void close_pools() { pools_.clear_all(); }

 private:
  UpstreamTable upstreams_;
  Selector selector_;
  PoolSet pools_;
  ProxySettings settings_;
  RetryBudget budget_;
  std::atomic<bool> draining_{false};
};

}  // namespace conv::balancer
