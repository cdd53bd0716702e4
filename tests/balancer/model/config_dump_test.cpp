#include "conv/balancer/model/config_dump.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "conv/balancer/model/config_json.hpp"
#include "conv/balancer/model/config_schema.hpp"
#include "fuzz/config_diff.hpp"

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A file that sets something in every section, TLS and the optional keys included.
constexpr std::string_view kEverything = R"({
  "listen": "127.0.0.1:8443", "threads": 3, "name": "lb-1", "access_log": "/var/log/conv.log",
  "log_level": "warn", "log_format": "json",
  "upstreams": [
    "api1:5000",
    {"address": "api2:5000", "weight": 5, "max_fails": 3, "fail_timeout": "1m30s",
     "max_conns": 100, "resolve": "all", "max_addresses": 8},
    {"address": "10.0.0.9:443", "tls": {"ca": "/etc/conv/ca.pem", "server_name": "api.internal",
     "client_cert": "/etc/conv/c.pem", "client_key": "/etc/conv/c.key"}},
    {"address": "10.0.0.10:443", "tls": {"verify": false}}
  ],
  "timeouts": {"connect": "250ms", "response": 45, "idle": "2m", "drain": 0},
  "retries": {"tries": 2, "budget": 0.2, "min_concurrent": 5},
  "health_check": {"path": "/ready", "interval": "5s", "timeout": 0.5, "fails": 3},
  "pool": {"max_idle_per_upstream": 64, "idle_timeout": "10s"},
  "limits": {"max_header_bytes": 8192, "max_connections": 500},
  "admin_prefix": "/_lb", "admin": "10.0.0.1:9000", "admin_hosts": ["lb.internal"],
  "admin_token_file": "/etc/conv/token", "metrics": "0.0.0.0:9100", "public_metrics": true,
  "trusted_proxies": ["10.0.0.0/8", "::1"], "request_id": "trusted",
  "policy": {"name": "hash", "key": "header:X-User"}, "slow_start": "30s",
  "outlier_detection": {"consecutive_5xx": 5, "ejection_time": "1h"},
  "tls": {"certificates": [{"cert": "/c/a.pem", "key": "/c/a.key"},
                           {"cert": "/c/b.pem", "key": "/c/b.key", "server_names": ["b.example"]}],
          "port": 8444, "redirect_port": 8080, "min_version": "1.3", "client_ca": "/c/ca.pem",
          "client_verify": "optional", "hsts_max_age": 31536000, "ticket_key_rotation": "2h",
          "session_cache_size": 100}
})";

UpstreamConfig upstream_at(HostPort address) {
  UpstreamConfig u;
  u.address = std::move(address);
  return u;
}

// parse(dump(c)) is c, field by field; the dump always names the admin address, so a parse
// of it marks that as chosen.
void expect_round_trip(const BalancerConfig& c) {
  const std::string text = dump_config_text(c);
  BalancerConfig again = parse_config(text);
  again.admin_explicit = c.admin_explicit;
  EXPECT_EQ(fuzz::config_diff(c, again), std::nullopt) << text;
  EXPECT_EQ(dump_config_text(again), text);
}

TEST(ConfigDump, ReadsBackAsTheSameConfiguration) {
  BalancerConfig defaults = default_config();
  defaults.upstreams.push_back(upstream_at({"127.0.0.1", 5001}));
  expect_round_trip(defaults);
  expect_round_trip(parse_config(kEverything));
}

TEST(ConfigDump, WritesEverySettingOfTheSchema) {
  const json::object dump = dump_config(parse_config(kEverything));
  for (const auto& k : config_keys()) {
    if (k.key.empty() || k.section.find("[]") != std::string_view::npos) continue;
    if (k.path() == "retries.timeout") continue;  // timeouts.retry, written once
    const json::object* in = &dump;
    if (!k.section.empty()) {
      ASSERT_TRUE(dump.contains(k.section)) << k.section;
      in = &dump.at(k.section).as_object();
    }
    EXPECT_TRUE(in->contains(k.key)) << k.path();
  }
  const auto& upstream = dump.at("upstreams").as_array().at(1).as_object();
  for (const auto& k : config_keys()) {
    if (k.section == "upstreams[]" && k.key != "tls") {
      EXPECT_TRUE(upstream.contains(k.key)) << k.key;
    }
  }
}

TEST(ConfigDump, WritesDurationsWithUnitsAndLeavesOutWhatIsNotSet) {
  BalancerConfig c = default_config();
  c.upstreams.push_back(upstream_at({"api1", 5000}));
  c.connect_timeout = 250ms;
  const json::object dump = dump_config(c);
  EXPECT_EQ(dump.at("timeouts").at("connect"), "250ms");
  EXPECT_EQ(dump.at("timeouts").at("response"), "30s");
  EXPECT_EQ(dump.at("timeouts").at("idle"), "1m");
  EXPECT_EQ(dump.at("upstreams").at(0).at("fail_timeout"), "10s");
  EXPECT_EQ(dump.at("retries").at("tries"), 3);
  EXPECT_FALSE(dump.at("retries").as_object().contains("timeout"));  // timeouts.retry's alias
  EXPECT_FALSE(dump.contains("tls"));
  EXPECT_FALSE(dump.contains("admin_token_file"));
  EXPECT_FALSE(dump.at("upstreams").at(0).as_object().contains("tls"));
  EXPECT_EQ(dump.at("metrics"), "off");
  c.admin.reset();
  EXPECT_EQ(dump_config(c).at("admin"), "off");
}

TEST(ConfigDump, DurationTextIsTheLargestExactUnit) {
  using config_json::duration_text;
  EXPECT_EQ(duration_text(0ms), "0s");
  EXPECT_EQ(duration_text(1ms), "1ms");
  EXPECT_EQ(duration_text(1500ms), "1500ms");
  EXPECT_EQ(duration_text(90s), "90s");
  EXPECT_EQ(duration_text(5min), "5m");
  EXPECT_EQ(duration_text(24h), "24h");
  using ms = std::chrono::milliseconds;
  for (const ms d : std::initializer_list<ms>{1ms, 999ms, 1001ms, 61s, 3599s, 86400s}) {
    const json::value v(duration_text(d));
    json::value(duration_text(std::chrono::duration_cast<std::chrono::milliseconds>(d)));
    EXPECT_EQ(config_json::seconds_at(v, "x"), d) << v;
  }
}

}  // namespace
}  // namespace conv::balancer
