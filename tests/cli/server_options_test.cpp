// The HTTP core's settings are declared once (http::server_settings()); the command line and
// the balancer's config file must take exactly the same values for each, and --help must
// show each role's own defaults. These tests walk the table, so a setting added to it is
// checked on both fronts without a new test.
#include "conv/cli/server_options.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/http/server_settings.hpp"
#include "support/docs_page.hpp"

namespace conv::cli {
namespace {

using http::ServerSetting;

// A value of a setting as the user writes it: a count, or seconds.
std::string written(const ServerSetting& s, std::uint64_t stored) {
  if (s.kind() == ServerSetting::Kind::count) return std::to_string(stored);
  std::ostringstream out;
  out << static_cast<double>(stored) / 1000;
  return out.str();
}

// The options the command line gives for `flag value`, or nothing if it refuses them.
std::optional<http::ServerOptions> from_flag(const std::string& flag, const std::string& value) {
  CLI::App app;
  ServerFlags flags;
  flags.add_to(app, http::ServerOptions{});
  std::vector<std::string> args = {value, flag};  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  if (flags.finish()) return std::nullopt;
  return flags.server;
}

// The options the balancer's config file gives for `"section": {"key": value}`, or nothing.
std::optional<http::ServerOptions> from_file(const ServerSetting& s, const std::string& value) {
  const std::string text = "{\"upstreams\": [\"127.0.0.1:1\"], \"" + std::string(s.section) +
                           "\": {\"" + std::string(s.key) + "\": " + value + "}}";
  try {
    return balancer::parse_config(text).server;
  } catch (const balancer::ConfigError&) {
    return std::nullopt;
  }
}

TEST(ServerSettings, EachIsNamedOnceOnEachFront) {
  std::set<std::string> flags, keys;
  for (const auto& s : http::server_settings()) {
    EXPECT_TRUE(flags.insert(std::string(s.flag)).second) << s.flag;
    EXPECT_TRUE(keys.insert(std::string(s.section) + "." + std::string(s.key)).second) << s.key;
    EXPECT_LE(s.min, s.max) << s.flag;
    EXPECT_FALSE(s.kept_as.empty()) << s.flag;
    if (s.kind() == ServerSetting::Kind::seconds) {  // what the file's seconds reader allows
      EXPECT_LE(s.min, 1u) << s.flag;
      EXPECT_EQ(s.max, http::kMaxTimeoutMs) << s.flag;
    }
  }
  EXPECT_EQ(flags.size(), http::server_settings().size());
}

// The bounds of every setting, on the command line and in the file: both take the same
// values, put them in the same place, and refuse the same values just outside.
TEST(ServerSettings, TheCommandLineAndTheFileTakeTheSameRange) {
  for (const auto& s : http::server_settings()) {
    const std::string flag(s.flag);
    for (const std::uint64_t v : {s.min, s.max, (s.min + s.max) / 2}) {
      const auto by_flag = from_flag(flag, written(s, v));
      const auto by_file = from_file(s, written(s, v));
      ASSERT_TRUE(by_flag) << flag << " " << written(s, v);
      ASSERT_TRUE(by_file) << s.key << " " << written(s, v);
      EXPECT_EQ(s.get(*by_flag), v) << flag;
      EXPECT_EQ(s.get(*by_file), v) << s.key;
    }
    const std::string above =
        written(s, s.max + (s.kind() == ServerSetting::Kind::count ? 1 : 1000));
    EXPECT_FALSE(from_flag(flag, above)) << flag << " " << above;
    EXPECT_FALSE(from_file(s, above)) << s.key << " " << above;
    if (s.min > 0) {
      EXPECT_FALSE(from_flag(flag, "0")) << flag;
      EXPECT_FALSE(from_file(s, "0")) << s.key;
    }
    EXPECT_FALSE(from_flag(flag, "-1")) << flag;
    EXPECT_FALSE(from_file(s, "-1")) << s.key;
  }
}

// --help shows the role's defaults: the balancer's larger body limit, not the converter's.
TEST(ServerSettings, HelpShowsTheRolesOwnDefaults) {
  const http::ServerOptions converter{};
  const http::ServerOptions balancer = balancer::default_config().server;
  ASSERT_NE(converter.max_body_bytes, balancer.max_body_bytes);  // else this proves nothing
  for (const auto* defaults : {&converter, &balancer}) {
    CLI::App app;
    ServerFlags flags;
    flags.add_to(app, *defaults);
    const std::string help = app.help();
    for (const auto& s : http::server_settings()) {
      const auto line_at = help.find(std::string(s.flag) + " ");
      ASSERT_NE(line_at, std::string::npos) << s.flag;
      const std::string line = help.substr(line_at, help.find('\n', line_at) - line_at);
      EXPECT_NE(line.find("=" + written(s, s.get(*defaults))), std::string::npos) << line;
    }
    app.parse(std::vector<std::string>{});
    ASSERT_FALSE(flags.finish());
    for (const auto& s : http::server_settings()) {
      EXPECT_EQ(s.get(flags.server), s.get(*defaults)) << s.flag;
    }
  }
}

// Over a config file, only the flags given replace its values.
TEST(ServerSettings, OnlyTheFlagsGivenOverrideTheFile) {
  CLI::App app;
  ServerFlags flags;
  flags.add_to(app, http::ServerOptions{});
  app.parse(std::vector<std::string>{"2048", "--max-header-bytes", "2.5", "--body-timeout"});
  ASSERT_FALSE(flags.finish());
  http::ServerOptions file;
  file.max_body_bytes = 77;
  file.idle_timeout = std::chrono::milliseconds(1234);
  std::string name = "n", log = "l";
  conv::log::Settings logging;
  flags.override_given(file, name, log, logging);
  EXPECT_EQ(file.max_header_bytes, 2048u);
  EXPECT_EQ(file.body_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(file.max_body_bytes, 77u);
  EXPECT_EQ(file.idle_timeout, std::chrono::milliseconds(1234));
}

// --log-format given replaces the file's; --log-level not given leaves the file's level.
TEST(ServerSettings, LogFlagsOverrideTheFileOnlyWhenGiven) {
  CLI::App app;
  ServerFlags flags;
  flags.add_to(app, http::ServerOptions{});
  app.parse(std::vector<std::string>{"json", "--log-format"});
  ASSERT_FALSE(flags.finish());
  http::ServerOptions file;
  std::string name = "n", log = "l";
  conv::log::Settings logging{conv::log::Level::warn, conv::log::Format::text};
  flags.override_given(file, name, log, logging);
  EXPECT_EQ(logging.format, conv::log::Format::json);
  EXPECT_EQ(logging.level, conv::log::Level::warn);
}

// A level outside the list is a usage error (CLI11's check), not a silent default.
TEST(ServerSettings, AnUnknownLogLevelIsRejected) {
  CLI::App app;
  ServerFlags flags;
  flags.add_to(app, http::ServerOptions{});
  EXPECT_THROW(app.parse(std::vector<std::string>{"verbose", "--log-level"}), CLI::ValidationError);
}

// docs/configuration.md's table of flags shows each setting's default as the converter has
// it (the balancer's are in the key table generated from the schema).
TEST(ServerSettings, TheDocsFlagsTableShowsTheConvertersDefaults) {
  const std::string path = "docs/configuration.md";
  const std::string text = test::docs_page("configuration.md");
  ASSERT_FALSE(text.empty()) << path;
  const http::ServerOptions defaults{};
  for (const auto& s : http::server_settings()) {
    const std::string row = "| `" + std::string(s.flag) + "` | ";
    const auto at = text.find(row);
    ASSERT_NE(at, std::string::npos) << path << " has no row for " << s.flag;
    const auto cell = at + row.size();
    const std::string value = text.substr(cell, text.find_first_of(" |", cell) - cell);
    EXPECT_EQ(value, written(s, s.get(defaults))) << s.flag;  // "10 s", "0 (off)": the number
  }
}

}  // namespace
}  // namespace conv::cli
