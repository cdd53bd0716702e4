// The balancer's command line against the settings schema (config_keys()): every flag the
// schema names for a setting is one `conv balancer` has, so the docs' table, which shows
// those flags, cannot name a flag that does not exist.
#include "conv/cli/balancer_command.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config_schema.hpp"

namespace conv::cli {
namespace {

// Whether `help` lists `flag` as a whole word ("--admin" is not found in "--admin-token-file").
bool lists(const std::string& help, std::string_view flag) {
  for (auto at = help.find(flag); at != std::string::npos; at = help.find(flag, at + 1)) {
    const char after = at + flag.size() < help.size() ? help[at + flag.size()] : ' ';
    if (after != '-' && !std::isalnum(static_cast<unsigned char>(after))) return true;
  }
  return false;
}

TEST(BalancerCommand, HasEveryFlagOfTheSettingsSchema) {
  CLI::App app;
  BalancerCommand command(app);
  const std::string help = app.get_subcommand("balancer")->help();
  int flags = 0;
  for (const auto& k : balancer::config_keys()) {
    std::string_view list = k.flag;  // "--host, --port"
    while (!list.empty()) {
      const auto comma = list.find(", ");
      EXPECT_TRUE(lists(help, list.substr(0, comma))) << list.substr(0, comma) << "\n" << help;
      ++flags;
      list = comma == std::string_view::npos ? "" : list.substr(comma + 2);
    }
  }
  EXPECT_GE(flags, 15);  // the schema does name flags: this test checks something
  EXPECT_FALSE(lists(help, "--no-such-flag"));
}

// --threads takes the range the config file's "threads" takes (the schema's).
TEST(BalancerCommand, ThreadsTakeTheSchemasRange) {
  const auto& threads = balancer::config_key("", "threads");
  const auto parses = [](std::uint64_t n) {
    CLI::App app;
    BalancerCommand command(app);
    try {
      app.parse(std::vector<std::string>{std::to_string(n), "--threads", "balancer"});
      return true;
    } catch (const CLI::ParseError&) {
      return false;
    }
  };
  EXPECT_TRUE(parses(threads.min));
  EXPECT_TRUE(parses(threads.max));
  EXPECT_FALSE(parses(threads.min - 1));
  EXPECT_FALSE(parses(threads.max + 1));
}

}  // namespace
}  // namespace conv::cli
