#include "conv/cli/converter_command.hpp"

#include <iostream>

#include "conv/cli/app.hpp"
#include "conv/converter/role.hpp"

namespace conv::cli {

ConverterCommand::ConverterCommand(CLI::App& app)
    : cmd_(app.add_subcommand("converter", "Serve the currency-conversion API")) {
  flags_.add_to(*cmd_, http::ServerOptions{});
  cmd_->add_option("--rates", rates_,
                   "Rates file (JSON, see docs/api.md); default: the original's 5.10 BRL/USD and "
                   "5.60 BRL/EUR. SIGHUP reloads it");
  tls_flags_.add_to(*cmd_);
}

int ConverterCommand::run() {
  if (auto error = flags_.finish()) return usage_error("conv converter", *error);
  converter::ConverterConfig config;
  if (auto error = tls_flags_.apply(config.tls)) return usage_error("conv converter", *error);
  config.server = flags_.server;
  config.rates_path = rates_;
  config.name = flags_.name;
  config.access_log = flags_.access_log;
  return converter::run_converter(config);
}

}  // namespace conv::cli
