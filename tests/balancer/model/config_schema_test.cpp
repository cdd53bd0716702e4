// The settings schema (config_keys()) is the one place a balancer setting is declared: these
// tests walk it, so that the parser, the docs' table and reload's kept list follow it for a
// setting added later without a new test.
#include "conv/balancer/model/config_schema.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "conv/balancer/model/config_reference.hpp"
#include "support/docs_page.hpp"

namespace conv::balancer {
namespace {

using Kind = ConfigKey::Kind;

std::string error_of(const std::string& json) {
  try {
    parse_config(json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A file with `value` at the setting's key (and an upstream, which every file needs). Built
// by appending: g++ 12 warns (-Wrestrict, wrongly) on "literal" + std::string&&.
std::string file_with(const ConfigKey& k, const std::string& value) {
  std::string entry = "\"";
  entry.append(k.key).append("\": ").append(value);
  std::string file = R"({"upstreams": )";
  if (k.section == "upstreams[]") {
    file.append(R"([{"address": "127.0.0.1:1", )");
    if (k.key == "max_addresses") file.append(R"("resolve": "all", )");
    return file.append(entry).append("}]}");
  }
  if (k.section == "upstreams[].tls") {
    return file.append(R"([{"address": "127.0.0.1:1", "tls": {)").append(entry).append("}}]}");
  }
  file.append(R"(["127.0.0.1:1"], )");
  if (k.section.empty()) return file.append(entry).append("}");
  return file.append("\"").append(k.section).append("\": {").append(entry).append("}}");
}

// A value as the file writes it: a count, or seconds.
std::string written(const ConfigKey& k, std::uint64_t stored) {
  if (k.kind == Kind::count) return std::to_string(stored);
  std::ostringstream out;
  out << static_cast<double>(stored) / 1000;
  return out.str();
}

std::string joined(const std::vector<std::string_view>& keys) {
  std::string out;
  for (const auto k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

TEST(ConfigSchema, EachSettingIsDeclaredOnce) {
  std::set<std::string> paths, flags;
  for (const auto& k : config_keys()) {
    EXPECT_FALSE(k.key.empty() && k.flag.empty()) << "a setting with neither key nor flag";
    if (!k.key.empty()) {
      EXPECT_TRUE(paths.insert(k.path()).second) << k.path();
    }
    if (!k.flag.empty()) {
      EXPECT_TRUE(flags.insert(std::string(k.flag)).second) << k.flag;
    }
    EXPECT_LE(k.min, k.max) << k.path();
    if (k.kind == Kind::seconds) {  // what the file's seconds reader allows
      EXPECT_LE(k.min, 1u) << k.path();
      EXPECT_EQ(k.max, http::kMaxTimeoutMs) << k.path();
    }
    // A kept setting must say how reload compares and keeps it.
    if (!k.reloadable()) {
      EXPECT_TRUE(k.has_value() || (k.differs_value && k.keep_value)) << k.path();
    }
  }
}

// Each section's unknown-key error lists exactly the schema's keys of it, in its order.
TEST(ConfigSchema, UnknownKeysAreRefusedWithTheSchemasList) {
  std::set<std::string> sections;
  for (const auto& k : config_keys()) sections.insert(std::string(k.section));
  for (const auto& section : sections) {
    const ConfigKey bogus{.section = section, .key = "bogus"};
    const std::string where = section.empty()                ? ""
                              : section == "upstreams[]"     ? "upstreams[0]."
                              : section == "upstreams[].tls" ? "upstreams[0].tls."
                                                             : section + ".";
    EXPECT_EQ(error_of(file_with(bogus, "1")),
              where + "bogus: unknown key (expected " + joined(config_keys_in(section)) + ")");
  }
  EXPECT_EQ(joined(config_keys_in("timeouts")),
            "connect, response, tunnel, header, body, idle, write, drain, retry");
}

// Every key of the schema is one the parser knows (a wrong value is refused for its own
// reason, never as unknown).
TEST(ConfigSchema, TheParserKnowsEveryKey) {
  for (const auto& k : config_keys()) {
    if (k.key.empty()) continue;
    const std::string error = error_of(file_with(k, "[[]]"));
    EXPECT_EQ(error.find("unknown key"), std::string::npos) << k.path() << ": " << error;
    EXPECT_NE(error, "") << k.path() << " took [[]]";
  }
}

// The file takes each scalar's bounds, puts them where the schema says, and refuses the
// values just outside.
TEST(ConfigSchema, TheFileTakesEachScalarsRange) {
  for (const auto& k : config_keys()) {
    if (!k.scalar() || k.key.empty()) continue;
    for (const std::uint64_t v : {k.min, k.max}) {
      const std::string file = file_with(k, written(k, v));
      ASSERT_EQ(error_of(file), "") << file;
      if (k.has_value()) {
        EXPECT_EQ(k.get(parse_config(file)), v) << k.path();
      }
    }
    const std::uint64_t step = k.kind == Kind::count ? 1 : 1000;
    EXPECT_NE(error_of(file_with(k, written(k, k.max + step))), "") << k.path();
    if (k.min > 0) {
      EXPECT_NE(error_of(file_with(k, "0")), "") << k.path();
    }
    EXPECT_NE(error_of(file_with(k, "-1")), "") << k.path();
  }
}

// Reload's kept list: compare and keep agree for every kept setting that is a scalar.
TEST(ConfigSchema, KeepCopiesWhatDiffersSays) {
  for (const auto& k : config_keys()) {
    if (k.reloadable() || !k.has_value()) continue;
    const BalancerConfig running = default_config();
    BalancerConfig next = running;
    k.set(next, k.get(running) == k.max ? k.min : k.max);
    EXPECT_TRUE(k.differs(running, next)) << k.path();
    k.keep(next, running);
    EXPECT_FALSE(k.differs(running, next)) << k.path();
    EXPECT_EQ(k.get(next), k.get(running)) << k.path();
  }
}

// An upstream's settings live in each UpstreamConfig, not in BalancerConfig, so the table
// shows their defaults as written in the schema: they must be UpstreamConfig's.
TEST(ConfigSchema, AnUpstreamsDefaultsAreUpstreamConfigs) {
  const UpstreamConfig u;
  const std::map<std::string_view, std::string> actual = {
      {"weight", std::to_string(u.weight)},
      {"max_fails", std::to_string(u.max_fails)},
      {"fail_timeout", std::to_string(u.fail_timeout.count() / 1000)},
      {"max_conns", std::to_string(u.max_conns)},
      {"resolve", u.resolve_all ? "`\"all\"`" : "`\"first\"`"},
      {"max_addresses", std::to_string(u.max_addresses)},
      {"tls", u.tls ? "?" : "plain TCP"},
  };
  std::size_t checked = 0;
  for (const auto& k : config_keys()) {
    if (k.section != "upstreams[]" || k.key == "address") continue;
    ASSERT_TRUE(actual.contains(k.key)) << k.path() << ": add its default to this test";
    EXPECT_EQ(k.fallback, actual.at(k.key)) << k.path();
    ++checked;
  }
  EXPECT_EQ(checked, actual.size());
}

// An upstream's TLS settings: the defaults of tls::ClientSettings, clear errors for bad values.
TEST(ConfigSchema, AnUpstreamsTlsSettings) {
  const auto tls_of = [](const std::string& tls) {
    return parse_config(R"({"upstreams": [{"address": "api:443", "tls": )" + tls + "}]}")
        .upstreams.at(0)
        .tls;
  };
  EXPECT_EQ(tls_of("true"), tls::ClientSettings{});
  EXPECT_FALSE(tls_of("false"));
  EXPECT_FALSE(parse_config(R"({"upstreams": ["api:80"]})").upstreams.at(0).tls);
  const auto full = tls_of(
      R"({"verify": true, "ca": "/ca.pem", "server_name": "api.internal", "client_cert": "/c.pem",
          "client_key": "/c.key"})");
  EXPECT_EQ(full, (tls::ClientSettings{true, "/ca.pem", "api.internal", "/c.pem", "/c.key"}));
  const std::string u = R"({"upstreams": [{"address": "api:443", "tls": )";
  EXPECT_EQ(error_of(u + "1}]}"), "upstreams[0].tls: expected true, false or an object");
  EXPECT_EQ(error_of(u + R"({"client_cert": "/c.pem"}}]})"),
            "upstreams[0].tls.client_key: required with client_cert");
  EXPECT_EQ(error_of(u + R"({"client_key": "/c.key"}}]})"),
            "upstreams[0].tls.client_cert: required with client_key");
  EXPECT_EQ(error_of(u + R"({"ca": ""}}]})"), "upstreams[0].tls.ca: expected a file path");
  EXPECT_EQ(error_of(u + R"({"verify": false, "ca": "/ca.pem"}}]})"),
            "upstreams[0].tls.ca: has no use with \"verify\": false");
  EXPECT_EQ(error_of(u + R"({"server_name": "a b"}}]})"),
            "upstreams[0].tls.server_name: expected a host name");
  EXPECT_EQ(error_of(u + R"({"sni": "x"}}]})"),
            "upstreams[0].tls.sni: unknown key (expected verify, ca, server_name, client_cert, "
            "client_key)");
}

// docs/configuration.md's reference table is the schema's, row for row; on a difference the
// message is the table to paste there.
TEST(ConfigSchema, TheDocsTableIsTheSchemas) {
  const std::string path = "docs/configuration.md";
  const std::string text = test::docs_page("configuration.md");
  const std::string begin = "<!-- settings table: begin -->\n";
  const auto from = text.find(begin);
  const auto to = text.find("<!-- settings table: end -->");
  ASSERT_NE(from, std::string::npos) << path << " has no " << begin;
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(text.substr(from + begin.size(), to - from - begin.size()), config_reference_table())
      << "paste this table between the markers in " << path << ":\n"
      << config_reference_table();
}

}  // namespace
}  // namespace conv::balancer
