#pragma once

#include <string>

#include "conv/converter/freshness.hpp"
#include "conv/converter/legacy_route.hpp"
#include "conv/converter/live_rates.hpp"
#include "conv/converter/rate_store.hpp"
#include "conv/converter/read_policy.hpp"
#include "conv/http/server_options.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/server_options.hpp"

namespace conv::converter {

struct ConverterConfig {
  http::ServerOptions server;
  RatesSource rates;               // neither file nor store: the original's built-in rates
  LiveRatesConfig live;            // providers fetched live into rates.store_path (--refresh)
  std::string name;                // X-Served-By
  std::string access_log = "-";    // "-", "off" or a path
  tls::EdgeOptions tls;            // HTTPS, if it has a certificate
  log::Settings logging;           // event log level; both logs' format
  bool log_health_checks = false;  // access log lines for GET /healthz and /readyz too
  ReadPolicy read;                 // CORS, caching and parameter checks of /v1
  StalePolicy stale;               // when a provider's latest rates are stale
  LegacyRates legacy_rates = LegacyRates::fixed;  // the original route's rates (--legacy-rates)
};

// Runs the converter role until SIGTERM/SIGINT. Returns the process exit code: 0 after a
// graceful stop, 2 for a bad rates file or store, access log path or certificate, 1 if a port
// cannot be bound. With live feeds (config.live), SIGHUP fetches them now instead of reloading.
int run_converter(const ConverterConfig& config);

}  // namespace conv::converter
