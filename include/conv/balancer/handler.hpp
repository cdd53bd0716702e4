#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "conv/balancer/cluster.hpp"
#include "conv/balancer/model/config.hpp"
#include "conv/balancer/proxy/proxy.hpp"
#include "conv/balancer/proxy/trusted_proxies.hpp"
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
// Bodies are streamed in both directions. The upstreams and their state are the
// UpstreamCluster's, which the role owns apart from this handler.
class BalancerHandler : public http::Handler {
 public:
  enum Route : std::uint16_t { none, proxy, admin };
  static std::vector<std::string> route_names();

  // `cluster`, `metrics` and `log` must outlive the handler.
  BalancerHandler(const BalancerConfig& config, UpstreamCluster& cluster,
                  const http::Metrics& metrics, const http::AccessLog& log);

  BodyMode body_mode() const override { return BodyMode::streamed; }
  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

  const UpstreamCluster& cluster() const { return cluster_; }

 private:
  http::Response admin_response(std::string_view path) const;

  const std::string admin_prefix_;
  const bool public_metrics_;
  const TrustedProxies trusted_;
  UpstreamCluster& cluster_;
  const http::Metrics& metrics_;
  const http::AccessLog& log_;
  ProxyContext proxy_;
};

}  // namespace conv::balancer
