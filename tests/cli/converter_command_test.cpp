// `conv converter` flags checked by the command itself, through --check: the exit code is 2
// for a value the converter cannot run with, 0 otherwise.
#include "conv/cli/converter_command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/converter_check.hpp"

namespace conv::cli {
namespace {

using conv::testing::converter_check;

TEST(ConverterCommand, LegacyRatesAreFixedOrFollow) {
  EXPECT_EQ(converter_check({}), 0);
  EXPECT_EQ(converter_check({"--legacy-rates", "fixed"}), 0);
  EXPECT_EQ(converter_check({"--legacy-rates", "follow"}), 0);
  for (const char* bad : {"", "FOLLOW", "floating", "follow,fixed", "1"}) {
    EXPECT_EQ(converter_check({"--legacy-rates", bad}), 2) << bad;
  }
  EXPECT_EQ(converter_check({"--legacy-rates"}), 2);
}

// --cors-origins is split at each comma, a final comma ending the list; an empty origin is
// none of *, off or an origin.
TEST(ConverterCommand, CorsOriginsIsACommaList) {
  for (const char* good :
       {"*", "off", "https://a.example,http://b.example:8080", "https://a.example,", "*,"}) {
    EXPECT_EQ(converter_check({"--cors-origins", good}), 0) << good;
  }
  for (const char* bad : {"", ",", "https://a.example,,", ",https://a.example",
                          "https://a.example, https://b.example", "https://a.example/path"}) {
    EXPECT_EQ(converter_check({"--cors-origins", bad}), 2) << bad;
  }
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
