#include "conv/balancer/handler.hpp"

#include "conv/balancer/admin/prometheus.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/target.hpp"

namespace conv::balancer {

namespace {

http::Response json(std::string body, std::uint16_t route) {
  http::Response r;
  r.body = std::move(body);
  r.route = route;
  return r;
}

}  // namespace

std::vector<std::string> BalancerHandler::route_names() {
  return {"none", "proxy", "admin"};
}

BalancerHandler::BalancerHandler(const BalancerConfig& config, UpstreamCluster& cluster,
                                 const http::Metrics& metrics, const http::AccessLog& log)
    : admin_prefix_(config.admin_prefix),
      public_metrics_(config.public_metrics),
      trusted_(config.trusted_proxies),
      cluster_(cluster),
      metrics_(metrics),
      log_(log),
      proxy_{cluster.settings(),
             cluster.upstreams(),
             cluster.selector(),
             cluster.pools(),
             cluster.retry_budget(),
             trusted_,
             proxy,
             log.enabled()} {}

void BalancerHandler::handle(const http::RequestHeader& request, std::string_view,
                             const http::RequestInfo& info, http::Responder responder) {
  const std::string_view target = request.target();
  const std::string_view prefix = admin_prefix_;
  if (target.starts_with(prefix) &&
      (target.size() == prefix.size() || target[prefix.size()] == '/' ||
       target[prefix.size()] == '?')) {
    const auto parsed = http::parse_target(target);
    responder.send(admin_response(parsed ? std::string_view(parsed->path) : target));
    return;
  }
  proxy_request(proxy_, request, info, std::move(responder));
}

http::Response BalancerHandler::admin_response(std::string_view path) const {
  const std::string& p = admin_prefix_;
  if (path == p + "/healthz") return json("{\"status\":\"ok\"}\n", admin);
  if (path == p + "/readyz") {
    if (cluster_.draining()) {
      auto r = http::error_response(503, "draining", "shutting down");
      r.route = admin;
      return r;
    }
    if (cluster_.selector().available_count() == 0) {
      auto r = http::error_response(503, "no_upstream", "no healthy upstream is available");
      r.route = admin;
      return r;
    }
    return json("{\"status\":\"ready\"}\n", admin);
  }
  if (path == p + "/metrics" && public_metrics_) {
    http::Response r;
    r.route = admin;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    render_balancer_metrics({cluster_, metrics_, log_}, nullptr, r.body);
    return r;
  }
  auto r = http::error_response(404, "not_found", "no admin endpoint " + std::string(path));
  r.route = admin;
  return r;
}

}  // namespace conv::balancer
