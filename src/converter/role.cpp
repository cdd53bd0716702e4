#include "conv/converter/role.hpp"

#include <iostream>
#include <system_error>

#include "conv/converter/handler.hpp"
#include "conv/converter/rate_store.hpp"
#include "conv/http/runner.hpp"
#include "conv/http/server.hpp"
#include "conv/http/tls_edge.hpp"

namespace conv::converter {

int run_converter(const ConverterConfig& config) {
  const std::string role = "conv converter";
  RateStore store(config.rates_path);
  try {
    store.load();
  } catch (const RatesError& e) {
    std::cerr << role << ": bad rates file: " << e.what() << "\n";
    return 2;
  }

  const auto log = http::open_access_log(role, config.access_log);
  if (!log) return 2;

  http::Metrics metrics("conv_http", ConverterHandler::route_names());
  ConverterHandler handler(store, metrics, *log);
  http::Server server(config.server, handler, metrics, *log, {config.name});
  std::unique_ptr<http::TlsEdge> edge;
  if (config.tls.enabled()) {
    try {
      edge = std::make_unique<http::TlsEdge>(config.tls, config.server, *log,
                                             http::ResponseIdentity{config.name});
    } catch (const tls::TlsError& e) {
      std::cerr << role << ": TLS: " << e.what() << "\n";
      return 2;
    }
    edge->attach(server);
    handler.set_tls(&edge->termination());
  }
  if (!http::bind_server(server, role)) return 1;
  if (edge && !edge->bind(role)) return 1;

  const auto table = store.snapshot();
  std::cerr << http::listening_line(server, role) << " (name " << config.name << ", "
            << config.server.threads << " thread(s), rates "
            << (config.rates_path.empty() ? "built-in" : config.rates_path) << " as of "
            << table->as_of << ")\n";
  if (edge) {
    std::cerr << edge->describe(server, role) << "\n";
    edge->start();
  }

  http::SignalHooks hooks;
  hooks.reload = [&] {
    if (edge) http::reload_certificates(edge->termination(), config.tls.tls, role + ": SIGHUP");
    if (auto error = store.reload()) {
      handler.count_reload(false);
      std::cerr << role << ": SIGHUP: rates not reloaded, keeping those as of "
                << store.snapshot()->as_of << ": " << *error << "\n";
    } else {
      handler.count_reload(true);
      std::cerr << role << ": SIGHUP: rates reloaded, as of " << store.snapshot()->as_of << "\n";
    }
  };
  hooks.reopen_logs = [&] { log->reopen(); };
  hooks.draining = [&] { handler.set_draining(); };
  boost::asio::io_context control;
  const int rc = http::run_until_stopped(server, control, config.server.drain_timeout, role, hooks);
  if (edge) edge->stop();
  log->flush();
  return rc;
}

}  // namespace conv::converter
