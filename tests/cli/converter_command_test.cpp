// `conv converter` flags checked by the command itself, through --check: the exit code is 2
// for a value the converter cannot run with, 0 otherwise.
#include "conv/cli/converter_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "conv/converter/rates_db.hpp"
#include "converter/rates_fixture.hpp"
#include "support/converter_check.hpp"
#include "support/dir_snapshot.hpp"
#include "support/temp_dir.hpp"

namespace conv::cli {
namespace {

using conv::testing::converter_check;

// --check --store neither creates the store nor writes it (the converter would open it
// read-write, making a missing one and its schema).
TEST(ConverterCommand, CheckNeitherCreatesNorWritesTheStore) {
  const conv::testing::TempDir dir("conv-converter-check");
  const std::string db = dir.file("rates.db");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(converter_check({"--store", db}), 2);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(db + ": no such file"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(db));

  converter::RatesDb(db).save({converter::published_day("2024-10-03", "USD=1.1036")});
  conv::testing::backdate(db);
  const auto before = conv::testing::dir_snapshot(dir.path());
  EXPECT_EQ(converter_check({"--store", db}), 0);
  EXPECT_EQ(conv::testing::dir_snapshot(dir.path()), before);
}

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
