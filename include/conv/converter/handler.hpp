#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conv/converter/feeds/refresh_stats.hpp"
#include "conv/converter/freshness.hpp"
#include "conv/converter/legacy_route.hpp"
#include "conv/converter/rate_store.hpp"
#include "conv/converter/read_policy.hpp"
#include "conv/converter/v1_params.hpp"
#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"

namespace conv::tls {
class Termination;
}

namespace conv::converter {

// The converter role's routes:
//   GET /convertepradolareuro/<valor>   the original API, byte for byte
//   GET /v1/convert, /v1/rates, /v1/currencies   exact-decimal API
//   GET /v1/timeseries                   rates over a range of days
//   GET /latest, /YYYY-MM-DD, /A..B, /currencies (and under /v1/ but currencies)
//                                        Frankfurter's API, for its clients
//   GET /v1/openapi.json                 its OpenAPI 3.1 description
//   GET /healthz (alive), /readyz (rates loaded, not draining), /metrics (Prometheus)
// GET and HEAD everywhere; OPTIONS answers 204 with Allow (and a CORS preflight's headers on
// /v1); other methods 405. The /v1 read routes follow a ReadPolicy (CORS, ETag, caching).
class ConverterHandler : public http::Handler {
 public:
  enum Route : std::uint16_t {
    none,
    legacy,
    convert,
    rates,
    currencies,
    healthz,
    readyz,
    metrics,
    openapi,
    timeseries,
    frankfurter
  };
  static std::vector<std::string> route_names();

  // All three must outlive the handler.
  ConverterHandler(const RateStore& store, const http::Metrics& metrics,
                   const http::AccessLog& log);

  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

  // The whole routing, without I/O: what `handle` sends.
  http::Response respond(const http::RequestHeader& request) const;

  // From now on /readyz answers 503 (graceful shutdown has begun).
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }

  // Reload outcomes, for /metrics.
  void count_reload(bool ok);
  // Whether /healthz and /readyz answers get an access log line (default: not; the paths the
  // balancer's health check, Kubernetes' probes and compose's healthcheck poll).
  void set_log_health_checks(bool on) { log_health_checks_ = on; }
  // CORS, caching and parameter checks of the /v1 read routes; set before serving.
  void set_read_policy(ReadPolicy policy) { policy_ = std::move(policy); }
  // Whether the original route keeps its fixed rates or follows the rates in force (then 503
  // before any are loaded, like the other rates routes); set before serving.
  void set_legacy_rates(LegacyRates which) { legacy_rates_ = which; }
  // When the latest rates are stale, and whether answers then refuse them; set before serving.
  void set_stale_policy(StalePolicy policy) { stale_ = policy; }
  // The clock freshness is judged by (tests move it); set before serving.
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  void set_clock(Clock clock) { clock_ = std::move(clock); }
  // The listener's TLS, whose certificates and handshakes /metrics shows; set before serving.
  void set_tls(const tls::Termination* tls) { tls_ = tls; }
  // The live feeds' fetch counters, which /metrics shows (must outlive the handler); set
  // before serving.
  void set_refresh_stats(const RefreshStats* stats) { refresh_stats_ = stats; }

 private:
  http::Response route(std::string_view path,
                       const std::vector<std::pair<std::string, std::string>>& query) const;
  std::optional<http::Response> rates_route(
      std::string_view path, const std::vector<std::pair<std::string, std::string>>& query) const;
  http::Response legacy_answer(std::string_view valor) const;
  static http::Response not_loaded();
  http::Response render_metrics() const;
  static bool read_route(Route r) {
    return r == convert || r == rates || r == currencies || r == openapi || r == timeseries ||
           r == frankfurter;
  }
  static std::string_view frankfurter_path(std::string_view path);
  // The catalog and its freshness now (computed at most once a second per thread).
  RatesView rates_view() const;

  const RateStore& store_;
  const RateTable original_ = original_rates();
  const http::Metrics& metrics_;
  const http::AccessLog& log_;
  std::atomic<bool> draining_{false};
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_failed_{0};
  const tls::Termination* tls_ = nullptr;
  const RefreshStats* refresh_stats_ = nullptr;
  bool log_health_checks_ = false;
  LegacyRates legacy_rates_ = LegacyRates::fixed;
  ReadPolicy policy_;
  StalePolicy stale_;
  Clock clock_ = [] { return std::chrono::system_clock::now(); };
};

}  // namespace conv::converter
