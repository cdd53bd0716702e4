#include "conv/balancer/proxy/proxy_settings.hpp"

namespace conv::balancer {

void ProxySettings::apply(const BalancerConfig& c) {
  connect_ms_.store(c.connect_timeout.count(), std::memory_order_relaxed);
  response_ms_.store(c.response_timeout.count(), std::memory_order_relaxed);
  retry_ms_.store(c.retry_timeout.count(), std::memory_order_relaxed);
  tunnel_ms_.store(c.tunnel_idle_timeout.count(), std::memory_order_relaxed);
  tries_.store(c.tries, std::memory_order_relaxed);
  outlier_5xx_.store(c.outlier.consecutive_5xx, std::memory_order_relaxed);
  ejection_ms_.store(c.outlier.ejection.count(), std::memory_order_relaxed);
  budget_ratio_.store(c.retry_budget.ratio, std::memory_order_relaxed);
  budget_min_.store(c.retry_budget.min_concurrent, std::memory_order_relaxed);
  request_id_.store(c.request_id, std::memory_order_relaxed);
}

}  // namespace conv::balancer
