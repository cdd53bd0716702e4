#include "conv/balancer/model/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;

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
            "max_conns, resolve, max_addresses, tls)");
  EXPECT_EQ(error_of(R"({"upstreams": []})"), "upstreams: at least one upstream is needed");
  EXPECT_EQ(error_of(R"({"upstreams": "a:1"})"), "upstreams: expected an array of upstreams");
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": 0}})"),
            "timeouts.connect: expected a number of seconds of at least 0.001 and at most 86400");
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": "1 s"}})"),
            "timeouts.connect: expected a number of seconds or a duration such as \"250ms\", "
            "\"30s\", \"5m\"");
  EXPECT_EQ(error_of(R"({"timeouts": {"conect": 1}})").rfind("timeouts.conect: unknown key", 0),
            0u);
  EXPECT_EQ(error_of(R"({"health_check": {"path": "healthz"}})"),
            "health_check.path: expected a path such as \"/healthz\"");
  EXPECT_EQ(error_of(R"({"threads": 0})"), "threads: expected an integer from 1 to 256");
  EXPECT_EQ(error_of(R"({"listen": "nope"})"), "listen: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"upstream": []})").rfind("upstream: unknown key (expected listen,", 0),
            0u);
}

TEST(BalancerConfig, DurationsMayBeWrittenWithUnits) {
  const auto c = parse_config(R"({"timeouts": {"connect": "250ms", "response": "1m30s",
                                               "retry": "1.5s"},
                                  "health_check": {"interval": "2s", "timeout": 0.5},
                                  "pool": {"idle_timeout": "1h"}})");
  EXPECT_EQ(c.connect_timeout, 250ms);
  EXPECT_EQ(c.response_timeout, 90s);
  EXPECT_EQ(c.retry_timeout, 1500ms);
  EXPECT_EQ(c.health.interval, 2s);
  EXPECT_EQ(c.health.timeout, 500ms);  // a plain number is still seconds
  EXPECT_EQ(c.pool_idle_timeout, 3600s);
  for (const char* bad : {"30", "5 s", "-1s", "1d", "s", "1.5.2s", "", "1e3ms", "0ms"}) {
    EXPECT_EQ(error_of(R"({"timeouts": {"connect": ")" + std::string(bad) + "\"}}")
                  .rfind("timeouts.connect: expected a number of seconds", 0),
              0u)
        << bad;
  }
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": "25h"}})"),
            "timeouts.connect: expected a number of seconds of at least 0.001 and at most 86400");
}

TEST(BalancerConfig, CommentsAndTrailingCommasAreAccepted) {
  const auto c = parse_config(R"({
    // two replicas of the converter
    "upstreams": ["api1:5000", "api2:5000",],  /* round robin */
    "timeouts": {"connect": "2s",},
  })");
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.connect_timeout, 2s);
}

TEST(BalancerConfig, SyntaxErrorsAndDuplicateKeysNameTheirLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"threads\": 2,\n  \"threads\": 4\n}"),
            "3:3: duplicate key \"threads\"");
  EXPECT_EQ(error_of("{\n  \"threads\": 2\n  \"name\": \"x\"\n}").rfind("3:3: not valid JSON", 0),
            0u)
      << error_of("{\n  \"threads\": 2\n  \"name\": \"x\"\n}");
}

TEST(BalancerConfig, AFileNamesItselfBeforeTheLineAndColumn) {
  const std::string path = ::testing::TempDir() + "conv_config_test.json";
  {
    std::ofstream out(path);
    out << "{\n  \"upstreams\": [\"a:1\"]\n  \"threads\": 2\n}\n";
  }
  try {
    load_config_file(path);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ":3:3: not valid JSON", 0), 0u) << e.what();
  }
  {
    std::ofstream out(path);
    out << R"({"upstreams": ["a:1"], "threads": 0})";
  }
  try {
    load_config_file(path);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": threads: expected an integer from 1 to 256");
  }
  std::remove(path.c_str());
}

TEST(BalancerConfig, TheSameUpstreamTwiceIsAnError) {
  EXPECT_EQ(error_of(R"({"upstreams": ["api1:5000", "b:1", "API1:5000"]})"),
            "upstreams[2]: the same upstream as upstreams[0] (API1:5000); to send it more, give it "
            "a weight");
  EXPECT_EQ(error_of(R"({"upstreams": ["api1:5000", {"address": "api1:5000", "weight": 2}]})")
                .rfind("upstreams[1]: the same upstream as upstreams[0]", 0),
            0u);
  EXPECT_EQ(error_of(R"({"upstreams": ["api1:5000", "api1:5001"]})"), "(no error)");
}

TEST(BalancerConfig, ListenMayUseAnEphemeralPort) {
  EXPECT_EQ(parse_config(R"({"listen": "127.0.0.1:0"})").server.port, 0);
}

TEST(PolicyConfig, ParsesEveryPolicyAndTheirSettings) {
  auto c = parse_config(R"({"upstreams": [{"address": "a:1", "max_conns": 50}],
      "policy": {"name": "hash", "key": "cookie:sid"}, "slow_start": 7.5,
      "outlier_detection": {"consecutive_5xx": 5, "ejection_time": 20},
      "retries": {"tries": 2, "budget": 0.2, "min_concurrent": 4}, "admin": "127.0.0.1:0"})");
  EXPECT_EQ(c.policy.kind, PolicyKind::hash);
  EXPECT_EQ(c.policy.key.kind, HashKey::cookie);
  EXPECT_EQ(c.policy.key.name, "sid");
  EXPECT_EQ(c.policy.slow_start, 7500ms);
  EXPECT_EQ(c.outlier.consecutive_5xx, 5u);
  EXPECT_EQ(c.outlier.ejection, 20s);
  EXPECT_DOUBLE_EQ(c.retry_budget.ratio, 0.2);
  EXPECT_EQ(c.retry_budget.min_concurrent, 4u);
  EXPECT_EQ(c.upstreams[0].max_conns, 50u);
  ASSERT_TRUE(c.admin);
  EXPECT_EQ(c.admin->port, 0);
  EXPECT_EQ(parse_config(R"({"policy": "least_conn"})").policy.kind, PolicyKind::least_conn);
  EXPECT_EQ(parse_config(R"({"policy": "random"})").policy.kind, PolicyKind::random);
  EXPECT_EQ(parse_config(R"({"policy": {"name": "hash", "key": "header:X-User"}})").policy.key,
            (HashKey{HashKey::header, "X-User"}));
  EXPECT_EQ(parse_config(R"({"policy": {"name": "hash", "key": "client_address"}})").policy.key,
            (HashKey{HashKey::client_address, ""}));
  EXPECT_FALSE(parse_config(R"({"admin": null})").admin);
  EXPECT_FALSE(parse_config(R"({"admin": "off"})").admin);
  const auto d = default_config();
  EXPECT_EQ(d.policy.kind, PolicyKind::round_robin);
  ASSERT_TRUE(d.admin);
  EXPECT_EQ(d.admin->text(), "127.0.0.1:9000");
}

TEST(PolicyConfig, ErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"policy": "fastest"})"),
            "policy: expected \"round_robin\", \"least_conn\", \"random\" or {\"name\": \"hash\", "
            "\"key\": ...}");
  EXPECT_EQ(error_of(R"({"policy": {"name": "hash"}})"),
            "policy.key: required for the hash policy");
  EXPECT_EQ(error_of(R"({"policy": {"name": "hash", "key": "query:x"}})"),
            "policy.key: expected \"header:NAME\", \"cookie:NAME\" or \"client_address\"");
  EXPECT_EQ(error_of(R"({"policy": {"name": "random", "key": "header:x"}})"),
            "policy.key: only the hash policy takes a key");
  EXPECT_EQ(error_of(R"({"retries": {"budget": 1.5}})"),
            "retries.budget: expected a share from 0 to 1, such as 0.2");
  EXPECT_EQ(error_of(R"({"admin": "nowhere"})"), "admin: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"outlier_detection": {"consecutive": 1}})"),
            "outlier_detection.consecutive: unknown key (expected consecutive_5xx, ejection_time)");
}

}  // namespace
}  // namespace conv::balancer

namespace conv::balancer {
namespace {

TEST(BalancerConfig, AnUpstreamNameCanStandForAllItsAddresses) {
  const auto c = parse_config(R"({"upstreams": [
    "api1:5000", {"address": "api:5000", "resolve": "all", "max_addresses": 4},
    {"address": "api3:5000", "resolve": "first"}, {"address": "api4:5000", "resolve": "all"}]})");
  ASSERT_EQ(c.upstreams.size(), 4u);
  EXPECT_FALSE(c.upstreams[0].resolve_all);
  EXPECT_TRUE(c.upstreams[1].resolve_all);
  EXPECT_EQ(c.upstreams[1].max_addresses, 4u);
  EXPECT_FALSE(c.upstreams[2].resolve_all);
  EXPECT_TRUE(c.upstreams[3].resolve_all);
  EXPECT_EQ(c.upstreams[3].max_addresses, 16u);

  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "a:1", "resolve": "every"}]})"),
            "upstreams[0].resolve: expected \"first\" or \"all\"");
  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "a:1", "resolve": true}]})"),
            "upstreams[0].resolve: expected \"first\" or \"all\"");
  EXPECT_EQ(error_of(R"({"upstreams": [{"address": "a:1", "max_addresses": 3}]})"),
            "upstreams[0].max_addresses: only with \"resolve\": \"all\"");
  EXPECT_EQ(
      error_of(R"({"upstreams": [{"address": "a:1", "resolve": "all", "max_addresses": 0}]})"),
      "upstreams[0].max_addresses: expected an integer from 1 to 256");
}

TEST(BalancerConfig, ParsesWhoMayDoWhat) {
  const auto c = parse_config(R"({"upstreams": ["a:1"], "admin_hosts": ["LB.internal"],
    "admin_token_file": "/run/secrets/t", "metrics": "0.0.0.0:9100", "public_metrics": true,
    "trusted_proxies": ["10.0.0.0/8", "::1", "fd00::/8"], "limits": {"min_body_rate": 1024},
    "request_id": "replace"})");
  EXPECT_EQ(c.admin_hosts, std::vector<std::string>{"lb.internal"});
  EXPECT_EQ(c.admin_token_file, "/run/secrets/t");
  ASSERT_TRUE(c.metrics);
  EXPECT_EQ(c.metrics->text(), "0.0.0.0:9100");
  EXPECT_TRUE(c.public_metrics);
  ASSERT_EQ(c.trusted_proxies.size(), 3u);
  EXPECT_EQ(c.trusted_proxies[0].text(), "10.0.0.0/8");
  EXPECT_EQ(c.trusted_proxies[1].text(), "::1/128");
  EXPECT_EQ(c.server.min_body_rate, 1024u);
  EXPECT_EQ(c.request_id, RequestIdMode::replace);
  EXPECT_EQ(parse_config(R"({"request_id": "trusted"})").request_id, RequestIdMode::trusted);
  const auto d = default_config();
  EXPECT_EQ(d.request_id, RequestIdMode::keep);
  EXPECT_FALSE(d.metrics);
  EXPECT_FALSE(d.public_metrics);
  EXPECT_TRUE(d.trusted_proxies.empty());
  EXPECT_EQ(d.server.min_body_rate, 0u);
}

TEST(BalancerConfig, AccessErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"trusted_proxies": ["10.0.0.1/8"]})"),
            "trusted_proxies[0]: expected an address or CIDR block such as \"10.0.0.0/8\" (no "
            "host bits set)");
  EXPECT_EQ(error_of(R"({"trusted_proxies": "10.0.0.0/8"})"),
            "trusted_proxies: expected an array of addresses or CIDR blocks");
  EXPECT_EQ(error_of(R"({"admin_hosts": ["a b"]})"),
            "admin_hosts[0]: expected a host name such as \"lb.internal\"");
  EXPECT_EQ(error_of(R"({"metrics": "9100"})"), "metrics: expected HOST:PORT");
  EXPECT_EQ(error_of(R"({"public_metrics": "yes"})"), "public_metrics: expected true or false");
  EXPECT_EQ(error_of(R"({"admin_token_file": ""})"), "admin_token_file: expected a file path");
  EXPECT_EQ(error_of(R"({"request_id": "off"})"),
            "request_id: expected \"keep\", \"trusted\" or \"replace\"");
}

TEST(TrustedProxies, MatchesBlocksAndMappedAddresses) {
  namespace ip = boost::asio::ip;
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.1/8", "::1/129", "x/8", "10.0.0.0/", "10/8"}) {
    EXPECT_FALSE(parse_cidr(bad)) << bad;
  }
  const TrustedProxies t({*parse_cidr("10.0.0.0/8"), *parse_cidr("192.168.1.7"),
                          *parse_cidr("fd00::/8"), *parse_cidr("172.16.0.0/12")});
  for (const char* in :
       {"10.1.2.3", "10.255.255.255", "192.168.1.7", "fd12::1", "::ffff:10.9.9.9", "172.31.0.1"}) {
    EXPECT_TRUE(t.contains(ip::make_address(in))) << in;
  }
  for (const char* out :
       {"11.0.0.1", "192.168.1.8", "fe80::1", "127.0.0.1", "::ffff:11.0.0.1", "172.32.0.1"}) {
    EXPECT_FALSE(t.contains(ip::make_address(out))) << out;
  }
  EXPECT_FALSE(TrustedProxies().contains(ip::make_address("127.0.0.1")));
}

TEST(BalancerConfig, LoopbackHostsAreKnown) {
  for (const char* h : {"127.0.0.1", "127.9.9.9", "::1", "localhost"})
    EXPECT_TRUE(is_loopback_host(h));
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "lb.internal", "localhost.example"}) {
    EXPECT_FALSE(is_loopback_host(h)) << h;
  }
}

// Found by tests/fuzz/balancer_config: 0.0004 s rounded to 0 ms, which means "none".
TEST(BalancerConfig, ATimeNeverRoundsToZero) {
  EXPECT_EQ(error_of(R"({"timeouts": {"connect": 0.0004}})"),
            "timeouts.connect: expected a number of seconds of at least 0.001 and at most 86400");
  EXPECT_EQ(parse_config(R"({"timeouts": {"connect": 0.0005}})").connect_timeout, 1ms);
  EXPECT_EQ(parse_config(R"({"timeouts": {"drain": 0.0004}})").server.drain_timeout, 0ms);
}

// Beast cannot hold a field of 64 KiB: the header limit stops there.
TEST(BalancerConfig, TheHeaderLimitIsAtMost64KiB) {
  EXPECT_EQ(parse_config(R"({"limits": {"max_header_bytes": 65536}})").server.max_header_bytes,
            65536u);
  EXPECT_EQ(error_of(R"({"limits": {"max_header_bytes": 65537}})"),
            "limits.max_header_bytes: expected an integer from 1024 to 65536");
}

}  // namespace
}  // namespace conv::balancer
