#include "conv/balancer/model/config_warnings.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace conv::balancer {
namespace {

UpstreamConfig upstream_at(HostPort address) {
  UpstreamConfig u;
  u.address = std::move(address);
  return u;
}

BalancerConfig with_upstream() {
  BalancerConfig c = default_config();
  c.upstreams.push_back(upstream_at({"api1", 5000}));
  return c;
}

// The one warning `c` gives; fails if there are none or several.
std::string only_warning(const BalancerConfig& c) {
  const auto w = config_warnings(c);
  EXPECT_EQ(w.size(), 1u);
  return w.empty() ? "" : w.front();
}

TEST(ConfigWarnings, NoneForTheDefaults) {
  EXPECT_TRUE(config_warnings(with_upstream()).empty());
  BalancerConfig c = with_upstream();
  c.admin = HostPort{"::1", 9000};
  c.metrics = HostPort{"0.0.0.0", 9100};  // a read-only scrape port may be public
  c.upstreams[0].tls = tls::ClientSettings{};
  c.trusted_proxies = {*parse_cidr("10.0.0.0/8")};
  EXPECT_TRUE(config_warnings(c).empty());
}

TEST(ConfigWarnings, AdminApiReachableFromOtherHosts) {
  BalancerConfig c = with_upstream();
  c.admin = HostPort{"0.0.0.0", 9000};
  EXPECT_TRUE(only_warning(c).starts_with(
      "admin: the admin API on 0.0.0.0:9000 is reachable from every network"));
  c.admin = HostPort{"::", 9000};
  EXPECT_TRUE(only_warning(c).starts_with("admin: the admin API on [::]:9000")) << only_warning(c);
  c.admin = HostPort{"10.1.2.3", 9000};
  EXPECT_NE(only_warning(c).find("reachable from other hosts"), std::string::npos);
}

TEST(ConfigWarnings, EachRiskySettingNamesItsField) {
  BalancerConfig c = with_upstream();
  c.health.enabled = false;
  EXPECT_TRUE(only_warning(c).starts_with("health_check: off")) << only_warning(c);

  c = with_upstream();
  c.upstreams.push_back(upstream_at({"api2", 443}));
  c.upstreams[1].tls = tls::ClientSettings{.verify = false};
  EXPECT_TRUE(only_warning(c).starts_with("upstreams[1].tls.verify: false")) << only_warning(c);

  c = with_upstream();
  c.public_metrics = true;
  EXPECT_TRUE(only_warning(c).starts_with("public_metrics: true")) << only_warning(c);

  c = with_upstream();
  c.trusted_proxies = {*parse_cidr("10.0.0.0/8"), *parse_cidr("::/0")};
  EXPECT_TRUE(only_warning(c).starts_with("trusted_proxies[1]: ::/0 trusts every peer"))
      << only_warning(c);
}

}  // namespace
}  // namespace conv::balancer
