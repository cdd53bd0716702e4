#pragma once

#include <atomic>
#include <cstdint>

#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/proxy_settings.hpp"

namespace conv::balancer {

// Retries may not amplify an outage: with a budget ratio r, the requests in a retry may be at
// most r of the requests in flight, or `min_concurrent`, whichever is more (Envoy's
// retry_budget). Consulted only when a request is about to be retried, never on the path of a
// request that succeeds at the first attempt.
class RetryBudget {
 public:
  // May one more request retry now? If so it counts as retrying until finish().
  bool try_start(const UpstreamTable& upstreams, const ProxySettings& settings);
  void finish() { active_.fetch_sub(1, std::memory_order_relaxed); }

  std::int64_t active() const { return active_.load(std::memory_order_relaxed); }
  std::uint64_t denied() const { return denied_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> active_{0};
  std::atomic<std::uint64_t> denied_{0};
};

}  // namespace conv::balancer
