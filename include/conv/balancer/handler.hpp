#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "conv/balancer/config.hpp"
#include "conv/balancer/pool.hpp"
#include "conv/balancer/proxy.hpp"
#include "conv/balancer/round_robin.hpp"
#include "conv/balancer/upstream.hpp"
#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"

namespace conv::balancer {

// The balancer role: every request is proxied to the next upstream, except those under the
// admin prefix ("/_conv" by default), which the balancer answers itself and never forwards:
//   <prefix>/healthz  alive
//   <prefix>/readyz   an upstream is available and the balancer is not draining
//   <prefix>/metrics  Prometheus text, with per-upstream series
// Bodies are streamed in both directions.
class BalancerHandler : public http::Handler {
 public:
  enum Route : std::uint16_t { none, proxy, admin };
  static std::vector<std::string> route_names();

  // `config`, `metrics` and `log` must outlive the handler.
  BalancerHandler(const BalancerConfig& config, const http::Metrics& metrics,
                  const http::AccessLog& log);

  BodyMode body_mode() const override { return BodyMode::streamed; }
  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

  std::vector<std::unique_ptr<Upstream>>& upstreams() { return upstreams_; }
  RoundRobin& round_robin() { return round_robin_; }
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }

  // Closes the idle upstream connections. Call after the server's threads have stopped and
  // before its io_contexts are destroyed.
  void close_pools() { pools_.clear_all(); }

 private:
  http::Response admin_response(std::string_view path) const;
  http::Response render_metrics() const;

  const BalancerConfig& config_;
  const http::Metrics& metrics_;
  const http::AccessLog& log_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  RoundRobin round_robin_;
  PoolSet pools_;
  ProxyContext proxy_;
  std::atomic<bool> draining_{false};
};

}  // namespace conv::balancer
