#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"
#include "conv/balancer/proxy/proxy.hpp"
#include "conv/balancer/proxy/proxy_settings.hpp"
#include "conv/balancer/proxy/retry_budget.hpp"
#include "conv/balancer/proxy/trusted_proxies.hpp"
#include "conv/balancer/select/selector.hpp"
#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"

namespace conv::balancer {

// The balancer role: every request is proxied to an upstream chosen by the policy, except
// those under the admin prefix ("/_conv" by default), which the balancer answers itself and
// never forwards:
//   <prefix>/healthz  alive
//   <prefix>/readyz   an upstream is available and the balancer is not draining
//   <prefix>/metrics  Prometheus text, with per-upstream series (as the admin port's
//                     /metrics), only with `public_metrics` (it shows every upstream)
// Bodies are streamed in both directions. It owns the balancer's shared state: the upstream
// table, the selector, the connection pools and counters, the reloadable proxy settings.
class BalancerHandler : public http::Handler {
 public:
  enum Route : std::uint16_t { none, proxy, admin };
  static std::vector<std::string> route_names();

  // `metrics` and `log` must outlive the handler.
  BalancerHandler(const BalancerConfig& config, const http::Metrics& metrics,
                  const http::AccessLog& log);

  BodyMode body_mode() const override { return BodyMode::streamed; }
  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

  UpstreamTable& upstreams() { return upstreams_; }
  const UpstreamTable& upstreams() const { return upstreams_; }
  Selector& selector() { return selector_; }
  const Selector& selector() const { return selector_; }
  const PoolSet& pools() const { return pools_; }
  ProxySettings& settings() { return settings_; }
  const RetryBudget& retry_budget() const { return budget_; }
  const http::Metrics& metrics() const { return metrics_; }
  const http::AccessLog& log() const { return log_; }

  void set_draining() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  // Closes the idle upstream connections. Call after the server's threads have stopped and
  // before its io_contexts are destroyed.
  void close_pools() { pools_.clear_all(); }

 private:
  http::Response admin_response(std::string_view path) const;

  const std::string admin_prefix_;
  const bool public_metrics_;
  const TrustedProxies trusted_;
  const http::Metrics& metrics_;
  const http::AccessLog& log_;
  UpstreamTable upstreams_;
  Selector selector_;
  PoolSet pools_;
  ProxySettings settings_;
  RetryBudget budget_;
  ProxyContext proxy_;
  std::atomic<bool> draining_{false};
};

}  // namespace conv::balancer
