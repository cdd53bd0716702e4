#include "conv/converter/handler.hpp"

#include <boost/beast/http/verb.hpp>

#include "conv/converter/frankfurter_routes.hpp"
#include "conv/converter/openapi.hpp"
#include "conv/converter/v1_routes.hpp"
#include "conv/converter/v1_timeseries.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/process_metrics.hpp"
#include "conv/http/prometheus_writer.hpp"
#include "conv/http/target.hpp"
#include "conv/tls/report.hpp"

namespace conv::converter {

namespace verb = boost::beast::http;

namespace {

http::Response text_response(std::string body) {
  http::Response r;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

http::Response with_route(http::Response r, ConverterHandler::Route route) {
  r.route = route;
  return r;
}

}  // namespace

std::vector<std::string> ConverterHandler::route_names() {
  return {"none",   "legacy",  "convert", "rates",      "currencies", "healthz",
          "readyz", "metrics", "openapi", "timeseries", "frankfurter"};
}

ConverterHandler::ConverterHandler(const RateStore& store, const http::Metrics& metrics,
                                   const http::AccessLog& log)
    : store_(store), metrics_(metrics), log_(log) {}

void ConverterHandler::handle(const http::RequestHeader& request, std::string_view,
                              const http::RequestInfo&, http::Responder responder) {
  http::Response r = respond(request);
  if ((r.route == healthz || r.route == readyz) && !log_health_checks_) r.access_log = false;
  responder.send(std::move(r));
}

void ConverterHandler::count_reload(bool ok) {
  (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed);
}

http::Response ConverterHandler::respond(const http::RequestHeader& request) const {
  const auto method = request.method();
  const auto target = http::parse_target(request.target());
  if (!target) {
    return http::error_response(400, "bad_target",
                                "the request target is not a valid origin-form path");
  }
  if (method == verb::verb::options) {
    if (target->path.starts_with("/v1/")) {
      if (auto r = preflight_answer(request, policy_)) return *std::move(r);
    }
    http::Response r;
    r.status = 204;
    r.content_type.clear();
    r.headers.emplace_back("Allow", kAllowedMethods);
    return r;
  }
  if (method != verb::verb::get && method != verb::verb::head) {
    http::Response r = http::error_response(
        405, "method_not_allowed",
        "method " + std::string(request.method_string()) + " is not allowed; use GET");
    r.headers.emplace_back("Allow", kAllowedMethods);
    return r;
  }
  http::Response r = route(target->path, target->query);
  if (read_route(static_cast<Route>(r.route))) finish_read_answer(r, request, policy_);
  return r;
}

http::Response ConverterHandler::route(
    std::string_view path, const std::vector<std::pair<std::string, std::string>>& query) const {
  if (path.starts_with(kLegacyPrefix)) {
    const std::string_view valor = path.substr(kLegacyPrefix.size());
    if (valor.find('/') != std::string_view::npos) {
      return http::error_response(404, "not_found", "no route for " + std::string(path));
    }
    return with_route(legacy_answer(valor), legacy);
  }
  if (path == "/v1/openapi.json") {
    return with_route(text_response(std::string(openapi_document())), openapi);
  }
  if (path == "/healthz") return with_route(text_response("{\"status\":\"ok\"}\n"), healthz);
  if (path == "/readyz") {
    if (draining_.load(std::memory_order_relaxed)) {
      return with_route(http::error_response(503, "draining", "shutting down"), readyz);
    }
    if (!store_.loaded()) return with_route(not_loaded(), readyz);
    return with_route(text_response("{\"status\":\"ready\"}\n"), readyz);
  }
  if (path == "/metrics") return with_route(render_metrics(), metrics);
  if (auto r = rates_route(path, query)) return *std::move(r);
  return http::error_response(404, "not_found", "no route for " + std::string(path));
}

// The original route. Fixed: a provider's rates are not BRL per USD and EUR, so it keeps its
// own (a BRL-based file's, else the original's), and answers with them before any rates are
// loaded too. Following: the latest day's, made when the catalog was; none loaded yet is the
// other rates routes' 503, as there is nothing to follow.
http::Response ConverterHandler::legacy_answer(std::string_view valor) const {
  const RatesCatalog* catalog = store_.catalog_or_null();
  if (legacy_rates_ == LegacyRates::follow) {
    if (catalog == nullptr) return not_loaded();
    return legacy_convert(valor, catalog->followed_legacy());
  }
  const bool own = catalog != nullptr && catalog->latest().legacy;
  return legacy_convert(valor, own ? catalog->latest() : original_);
}

// The routes that answer from the rates in force: 503 rates_not_loaded before there are any
// (live feeds, an empty store, the first fetch not done). Nothing if `path` is none of them.
std::optional<http::Response> ConverterHandler::rates_route(
    std::string_view path, const std::vector<std::pair<std::string, std::string>>& query) const {
  Route which = none;
  if (path == "/v1/convert") which = convert;
  if (path == "/v1/rates") which = rates;
  if (path == "/v1/currencies") which = currencies;
  if (path == "/v1/timeseries") which = timeseries;
  std::optional<FrankfurterTarget> target;
  if (which == none && (target = frankfurter_target(frankfurter_path(path)))) which = frankfurter;
  if (which == none) return std::nullopt;
  if (!store_.loaded()) return with_route(not_loaded(), which);
  const bool strict = policy_.strict_params;
  switch (which) {
    case convert:
      return with_route(v1_convert(query, rates_view(), strict), convert);
    case rates:
      return with_route(v1_rates(query, rates_view(), strict), rates);
    case currencies:
      return with_route(v1_currencies(query, store_.current(), strict), currencies);
    case timeseries:
      return with_route(v1_timeseries(query, rates_view(), strict), timeseries);
    default:
      return with_route(frankfurter_route(*target, query, rates_view(), policy_.any_origin()),
                        frankfurter);
  }
}

http::Response ConverterHandler::not_loaded() {
  return http::error_response(503, "rates_not_loaded", "no rates loaded yet");
}

RatesView ConverterHandler::rates_view() const {
  // Per thread: the latest day's freshness changes with the second, not with the request.
  struct Cached {
    const RatesCatalog* catalog = nullptr;
    const ConverterHandler* handler = nullptr;
    std::chrono::sys_seconds at{};
    Freshness fresh;
  };
  thread_local Cached cached;
  const RatesCatalog& catalog = store_.catalog();
  const auto now = std::chrono::floor<std::chrono::seconds>(clock_());
  if (cached.catalog != &catalog || cached.handler != this || cached.at != now) {
    cached = {&catalog, this, now, freshness_of(catalog.latest(), now, stale_)};
  }
  return RatesView(catalog, &cached.fresh, stale_.refuse);
}

// What follows Frankfurter's mount points, "/" and "/v1/" ("/v1/currencies" is conv's own).
std::string_view ConverterHandler::frankfurter_path(std::string_view path) {
  if (path.starts_with("/v1/")) path.remove_prefix(3);
  path.remove_prefix(1);
  return path.find('/') == std::string_view::npos ? path : std::string_view{};
}

http::Response ConverterHandler::render_metrics() const {
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  http::PrometheusWriter w(r.body);
  metrics_.render(w);
  using http::MetricType;
  if (const auto catalog = store_.snapshot()) {
    w.family("conv_rates_as_of_timestamp_seconds", MetricType::gauge,
             "The as_of date of the latest rates in force.");
    w.sample("conv_rates_as_of_timestamp_seconds", {}, catalog->latest().as_of_epoch);
  }
  w.family("conv_rates_reloads_total", MetricType::counter, "Rates reloads (SIGHUP), by result.");
  w.sample("conv_rates_reloads_total", {{"result", "ok"}}, reloads_ok_.load());
  w.sample("conv_rates_reloads_total", {{"result", "failed"}}, reloads_failed_.load());
  w.family("conv_access_log_dropped_total", MetricType::counter,
           "Access log lines dropped (sink too slow).");
  w.sample("conv_access_log_dropped_total", {}, log_.dropped());
  if (tls_ != nullptr) tls::write_metrics(w, *tls_, std::chrono::system_clock::now());
  if (refresh_stats_ != nullptr) {
    write_refresh_metrics(w, *refresh_stats_, std::chrono::floor<std::chrono::seconds>(clock_()));
  }
  http::write_process_metrics(w);
  return r;
}

}  // namespace conv::converter
