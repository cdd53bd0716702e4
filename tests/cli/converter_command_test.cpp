// `conv converter` flags checked by the command itself, through --check: the exit code is 2
// for a value the converter cannot run with, 0 otherwise.
#include "conv/cli/converter_command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace conv::cli {
namespace {

// The exit code of `conv converter --check ARGS...` (CLI11's parse errors count as 2, as
// app.cpp makes them).
int check(std::vector<std::string> args) {
  CLI::App app;
  ConverterCommand command(app);
  args.insert(args.begin(), {"converter", "--check", "--access-log", "off"});
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    return 2;
  }
  return command.run();
}

TEST(ConverterCommand, LegacyRatesAreFixedOrFollow) {
  EXPECT_EQ(check({}), 0);
  EXPECT_EQ(check({"--legacy-rates", "fixed"}), 0);
  EXPECT_EQ(check({"--legacy-rates", "follow"}), 0);
  for (const char* bad : {"", "FOLLOW", "floating", "follow,fixed", "1"}) {
    EXPECT_EQ(check({"--legacy-rates", bad}), 2) << bad;
  }
  EXPECT_EQ(check({"--legacy-rates"}), 2);
}

TEST(ConverterCommand, HelpNamesTheLegacyRatesAndTheirDefault) {
  CLI::App app;
  ConverterCommand command(app);
  const std::string help = app.get_subcommand("converter")->help();
  EXPECT_NE(help.find("--legacy-rates"), std::string::npos) << help;
  EXPECT_NE(help.find("=fixed"), std::string::npos) << help;
}

}  // namespace
}  // namespace conv::cli
