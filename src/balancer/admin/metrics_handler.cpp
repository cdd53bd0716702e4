#include "conv/balancer/admin/metrics_handler.hpp"

#include "conv/balancer/admin/prometheus.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/target.hpp"

namespace conv::balancer {

namespace bhttp = boost::beast::http;

std::vector<std::string> MetricsHandler::route_names() {
  return {"none", "metrics", "healthz"};
}

void MetricsHandler::handle(const http::RequestHeader& request, std::string_view,
                            const http::RequestInfo&, http::Responder responder) {
  const auto target = http::parse_target(request.target());
  const std::string_view path = target ? std::string_view(target->path) : std::string_view{};
  http::Response r;
  if (path == "/metrics") {
    r.route = metrics;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  } else if (path == "/healthz") {
    r.route = healthz;
    r.body = "{\"status\":\"ok\"}\n";
  } else {
    responder.send(
        http::error_response(404, "not_found", "this listener serves /metrics and /healthz"));
    return;
  }
  const auto method = request.method();
  if (method != bhttp::verb::get && method != bhttp::verb::head) {
    auto refusal = http::error_response(405, "method_not_allowed", "use GET, HEAD");
    refusal.headers.emplace_back("Allow", "GET, HEAD");
    refusal.route = r.route;
    responder.send(std::move(refusal));
    return;
  }
  if (r.route == metrics) render_balancer_metrics(metrics_, &reloads_, r.body);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  responder.send(std::move(r));
}

}  // namespace conv::balancer
