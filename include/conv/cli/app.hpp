#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace conv::cli {

// The exit code of every usage or configuration error.
inline constexpr int kUsageExit = 2;

// The top-level `conv` application: description, --version, one required subcommand.
void configure_app(CLI::App& app);

// Parses the command line. Returns an exit code when the process should exit now: 0 after
// --help or --version, kUsageExit after a one-line error on stderr.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

// Prints "<who>: error: <message>" and a hint to stderr; returns kUsageExit.
int usage_error(std::string_view who, std::string_view message);

}  // namespace conv::cli
