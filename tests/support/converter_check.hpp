#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "conv/cli/converter_command.hpp"

namespace conv::testing {

// The exit code of `conv converter --check --access-log off ARGS...`, through the whole
// command in this process (CLI11's parse errors count as 2, as app.cpp makes them).
inline int converter_check(std::vector<std::string> args) {
  CLI::App app;
  cli::ConverterCommand command(app);
  args.insert(args.begin(), {"converter", "--check", "--access-log", "off"});
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    return 2;
  }
  return command.run();
}

}  // namespace conv::testing
