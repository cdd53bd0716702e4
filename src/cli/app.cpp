#include "conv/cli/app.hpp"

#include <iostream>

#include "conv/version.hpp"

namespace conv::cli {

void configure_app(CLI::App& app) {
  app.description("conv: a currency-conversion HTTP API and the HTTP load balancer in front of it");
  app.name("conv");
  app.set_version_flag("--version", "conv " + std::string(version()));
  app.require_subcommand(1, 1);
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  // CLI11 reports a mistyped command as a missing one; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
      found = found || sub->get_name() == argv[1];
    }
    if (!found) {
      return usage_error(
          "conv", "unknown command '" + std::string(argv[1]) + "' (commands: " + known + ")");
    }
  }
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "conv";
    for (const CLI::App* sub : app.get_subcommands()) where += " " + sub->get_name();
    return usage_error(where, e.what());
  }
}

int usage_error(std::string_view who, std::string_view message) {
  std::cerr << who << ": error: " << message << " (try '" << who << " --help')\n";
  return kUsageExit;
}

}  // namespace conv::cli
