// conv: one executable, two roles. This file only wires the command line to them.
#include <csignal>

#include "conv/cli/app.hpp"
#include "conv/cli/balancer_command.hpp"
#include "conv/cli/converter_command.hpp"
#include "conv/cli/probe_command.hpp"
#include "conv/cli/rates_command.hpp"

int main(int argc, char** argv) {
  // A peer or a log pipe that goes away must not kill the process: writes see EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app;
  conv::cli::configure_app(app);
  conv::cli::ConverterCommand converter(app);
  conv::cli::BalancerCommand balancer(app);
  conv::cli::ProbeCommand probe(app);
  conv::cli::RatesCommand rates(app);

  if (auto exit_code = conv::cli::parse_command_line(app, argc, argv)) return *exit_code;
  if (converter.selected()) return converter.run();
  if (balancer.selected()) return balancer.run();
  if (probe.selected()) return probe.run();
  if (rates.selected()) return rates.run();
  return conv::cli::kUsageExit;
}
