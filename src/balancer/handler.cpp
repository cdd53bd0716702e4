#include "conv/balancer/handler.hpp"

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

BalancerHandler::BalancerHandler(const BalancerConfig& config, const http::Metrics& metrics,
                                 const http::AccessLog& log)
    : config_(config),
      metrics_(metrics),
      log_(log),
      upstreams_(make_upstreams(config.upstreams)),
      round_robin_(upstreams_),
      pools_(upstreams_.size(), config.pool_max_idle, config.pool_idle_timeout),
      proxy_{config_, upstreams_, round_robin_, pools_, proxy, log.enabled()} {}

void BalancerHandler::handle(const http::RequestHeader& request, std::string_view,
                             const http::RequestInfo& info, http::Responder responder) {
  const std::string_view target = request.target();
  const std::string_view prefix = config_.admin_prefix;
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
  const std::string p(config_.admin_prefix);
  if (path == p + "/healthz") return json("{\"status\":\"ok\"}\n", admin);
  if (path == p + "/readyz") {
    if (draining_.load(std::memory_order_relaxed)) {
      auto r = http::error_response(503, "draining", "shutting down");
      r.route = admin;
      return r;
    }
    if (round_robin_.available_count() == 0) {
      auto r = http::error_response(503, "no_upstream", "no healthy upstream is available");
      r.route = admin;
      return r;
    }
    return json("{\"status\":\"ready\"}\n", admin);
  }
  if (path == p + "/metrics") return render_metrics();
  auto r = http::error_response(404, "not_found", "no admin endpoint " + std::string(path));
  r.route = admin;
  return r;
}

http::Response BalancerHandler::render_metrics() const {
  http::Response r;
  r.route = admin;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  metrics_.render(r.body);
  const auto now = Upstream::Clock::now();
  std::string& b = r.body;
  b += "# HELP conv_upstream_available Whether the upstream gets requests now.\n";
  b += "# TYPE conv_upstream_available gauge\n";
  for (const auto& u : upstreams_) {
    b += "conv_upstream_available{upstream=\"" + u->name() + "\"} " +
         (u->available(now) ? "1" : "0") + "\n";
  }
  b += "# HELP conv_upstream_requests_total Attempts sent to the upstream (retries included).\n";
  b += "# TYPE conv_upstream_requests_total counter\n";
  for (const auto& u : upstreams_) {
    b += "conv_upstream_requests_total{upstream=\"" + u->name() + "\"} " +
         std::to_string(pools_.attempts(u->index())) + "\n";
  }
  b += "# HELP conv_upstream_failures_total Failed attempts (connect, timeout, reset, bad "
       "response).\n";
  b += "# TYPE conv_upstream_failures_total counter\n";
  for (const auto& u : upstreams_) {
    b += "conv_upstream_failures_total{upstream=\"" + u->name() + "\"} " +
         std::to_string(u->failures.load()) + "\n";
  }
  b += "# HELP conv_access_log_dropped_total Access log lines dropped (sink too slow).\n";
  b += "# TYPE conv_access_log_dropped_total counter\n";
  b += "conv_access_log_dropped_total " + std::to_string(log_.dropped()) + "\n";
  return r;
}

}  // namespace conv::balancer
