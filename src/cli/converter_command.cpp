#include "conv/cli/converter_command.hpp"

#include <iostream>

#include "conv/cli/app.hpp"
#include "conv/converter/rates.hpp"
#include "conv/converter/role.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/termination.hpp"

namespace conv::cli {

ConverterCommand::ConverterCommand(CLI::App& app)
    : cmd_(app.add_subcommand("converter", "Serve the currency-conversion API")) {
  flags_.add_to(*cmd_, http::ServerOptions{});
  cmd_->add_option("--rates", rates_,
                   "Rates file (JSON, see docs/api.md); default: the original's 5.10 BRL/USD and "
                   "5.60 BRL/EUR. SIGHUP reloads it");
  tls_flags_.add_to(*cmd_);
  cmd_->add_flag("--log-health-checks", log_health_checks_,
                 "Also write access log lines for GET /healthz and /readyz (the paths health "
                 "checkers poll); off by default");
  cmd_->add_flag("--check", check_,
                 "Check the flags, the rates file and the TLS files, print what would be served, "
                 "and exit (0, or 2 with the first error)");
}

int ConverterCommand::run() {
  const std::string who = "conv converter";
  if (auto error = flags_.finish()) return usage_error(who, *error);
  converter::ConverterConfig config;
  if (auto error = tls_flags_.apply(config.tls)) return usage_error(who, *error);
  config.server = flags_.server;
  config.rates_path = rates_;
  config.name = flags_.name;
  config.access_log = flags_.access_log;
  config.logging = flags_.logging;
  config.log_health_checks = log_health_checks_;
  log::configure(who, config.logging);
  if (check_) return check(config);
  return converter::run_converter(config);
}

// --check: loads what the converter would load at start, without listening.
int ConverterCommand::check(const converter::ConverterConfig& config) const {
  const std::string who = "conv converter";
  try {
    const converter::RateTable rates = config.rates_path.empty()
                                           ? converter::original_rates()
                                           : converter::load_rates_file(config.rates_path);
    if (config.tls.enabled()) tls::Termination check(config.tls.tls);
    std::cout << "configuration ok: listen " << config.server.host << ":" << config.server.port
              << ", tls " << tls_summary(config.tls) << ", rates "
              << (config.rates_path.empty() ? "built-in" : config.rates_path) << " (base "
              << rates.base << ", as of " << rates.as_of << ", " << rates.quotes.size() - 1
              << " quote(s))\n";
    return 0;
  } catch (const converter::RatesError& e) {
    std::cerr << who << ": bad rates: " << e.what() << "\n";
  } catch (const tls::TlsError& e) {
    std::cerr << who << ": TLS: " << e.what() << "\n";
  }
  return kUsageExit;
}

}  // namespace conv::cli
