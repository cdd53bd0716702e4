#include "conv/balancer/config.hpp"

#include <gtest/gtest.h>

namespace conv::balancer {
namespace {

std::string error_of(std::string_view json) {
  try {
    parse_config(json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(HostPort, ParsesNamesAddressesAndBracketedIpv6) {
  auto a = parse_host_port("api1:5000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "api1");
  EXPECT_EQ(a->port, 5000);
  EXPECT_EQ(parse_host_port("127.0.0.1:5001")->text(), "127.0.0.1:5001");
  auto v6 = parse_host_port("[::1]:8080");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->text(), "[::1]:8080");
  for (const char* bad : {"", "api1", "api1:", ":5000", "api1:0", "api1:65536", "api1:5x", "::1:80",
                          "[::1]80", "a b:80", "api1:+80", "http://api1:80"}) {
    EXPECT_FALSE(parse_host_port(bad).has_value()) << bad;
  }
}

TEST(BalancerConfig, ParsesTheShippedShape) {
  const auto c = parse_config(R"({
    "listen": "127.0.0.1:5000", "threads": 2, "name": "lb", "access_log": "off",
    "upstreams": ["api1:5000", {"address": "api2:5000", "weight": 3, "max_fails": 2,
                                "fail_timeout": 5}],
    "timeouts": {"connect": 0.5, "response": 10, "header": 5, "idle": 30, "drain": 8},
    "retries": {"tries": 2, "timeout": 3},
    "health_check": {"path": "/readyz", "interval": 2, "timeout": 0.5, "fails": 3, "passes": 2},
    "pool": {"max_idle_per_upstream": 8, "idle_timeout": 20},
    "limits": {"max_header_bytes": 8192, "max_body_bytes": 1000, "max_connections": 50},
    "admin_prefix": "/_admin"
  })");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 5000);
  EXPECT_EQ(c.server.threads, 2u);
  EXPECT_EQ(c.name, "lb");
  EXPECT_EQ(c.access_log, "off");
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.upstreams[0].address.text(), "api1:5000");
  EXPECT_EQ(c.upstreams[0].weight, 1u);
  EXPECT_EQ(c.upstreams[1].weight, 3u);
  EXPECT_EQ(c.upstreams[1].max_fails, 2u);
  EXPECT_EQ(c.upstreams[1].fail_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.connect_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(c.response_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.server.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.server.drain_timeout, std::chrono::seconds(8));
  EXPECT_EQ(c.tries, 2u);
  EXPECT_EQ(c.health.path, "/readyz");
  EXPECT_EQ(c.health.fails, 3u);
  EXPECT_EQ(c.pool_max_idle, 8u);
  EXPECT_EQ(c.server.max_body_bytes, 1000u);
  EXPECT_EQ(c.admin_prefix, "/_admin");
}

TEST(BalancerConfig, HealthCheckCanBeTurnedOff) {
  EXPECT_FALSE(parse_config(R"({"health_check": null})").health.enabled);
  EXPECT_FALSE(parse_config(R"({"health_check": {"enabled": false}})").health.enabled);
}

TEST(BalancerConfig, ErrorsNameTheField) {
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"upstreams": ["api1:5000", "api2"]})"),
            "upstreams[1]: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "api1"}]})"),
            "upstreams[0].address: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"upstreams": [{"weight": 2}]})"), "upstreams[0].address: required");
  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "a:1", "weight": 0}]})"),
            "upstreams[0].weight: expected an integer from 1 to 100");
  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "a:1", "wieght": 2}]})"),
            "upstreams[0].wieght: unknown key (expected address, weight, max_fails, fail_timeout, "
            "max_conns)");
  EXPECT_EQ(error_of(R"({"upstreams": []})"), "upstreams: at least one upstream is needed");
  EXPECT_EQ(error_of(R"({"upstreams": "a:1"})"), "upstreams: expected an array of upstreams");
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": 0}})"),
            "timeouts.connect: expected a number of seconds > 0 and at most 86400");
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": "1s"}})"),
            "timeouts.connect: expected a number of seconds");
  EXPECT_EQ(error_of(R"({"timeouts": {"conect": 1}})").rfind("timeouts.conect: unknown key", 0),
            0u);
  EXPECT_EQ(error_of(R"({"health_check": {"path": "healthz"}})"),
            "health_check.path: expected a path such as \"/healthz\"");
  EXPECT_EQ(error_of(R"({"threads": 0})"), "threads: expected an integer from 1 to 256");
  EXPECT_EQ(error_of(R"({"listen": "nope"})"), "listen: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"upstream": []})").rfind("upstream: unknown key (expected listen,", 0),
            0u);
}

TEST(BalancerConfig, ListenMayUseAnEphemeralPort) {
  EXPECT_EQ(parse_config(R"({"listen": "127.0.0.1:0"})").server.port, 0);
}

}  // namespace
}  // namespace conv::balancer
