#include "conv/balancer/proxy/retry_budget.hpp"

#include <algorithm>
#include <cmath>

namespace conv::balancer {

bool RetryBudget::try_start(const UpstreamTable& upstreams, const ProxySettings& settings) {
  const double ratio = settings.budget_ratio();
  if (ratio <= 0) {  // no budget: only `tries` limits retries
    active_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  std::int64_t in_flight = 0;
  for (const auto& u : upstreams) in_flight += u->in_flight();
  const auto allowed = std::max<std::int64_t>(
      settings.budget_min(), static_cast<std::int64_t>(std::floor(ratio * in_flight)));
  if (active_.fetch_add(1, std::memory_order_relaxed) >= allowed) {
    active_.fetch_sub(1, std::memory_order_relaxed);
    denied_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

}  // namespace conv::balancer
