// The balancer config written back as a config file (the README's format), for the config
// fuzzer's round trip: parse(to_json(c)) must give c again, field by field. Every key is
// written, so the base the parser starts from does not matter; "admin" only when the file
// chose it (admin_explicit), as the parser records.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <string>

#include "conv/balancer/model/config.hpp"
#include "conv/http/host_port.hpp"

namespace conv::fuzz {

namespace config_detail {

namespace json = boost::json;
using namespace balancer;

// Milliseconds as the file's seconds: the nearest double, which the parser rounds back.
inline json::value seconds(std::chrono::milliseconds ms) {
  return static_cast<double>(ms.count()) / 1000.0;
}

inline json::value upstream(const UpstreamConfig& u) {
  json::object o;
  o["address"] = u.address.text();
  o["weight"] = u.weight;
  o["max_fails"] = u.max_fails;
  o["fail_timeout"] = seconds(u.fail_timeout);
  o["max_conns"] = u.max_conns;
  o["resolve"] = u.resolve_all ? "all" : "first";
  if (u.resolve_all) o["max_addresses"] = u.max_addresses;
  return o;
}

inline json::value policy(const PolicyConfig& p) {
  if (p.kind != PolicyKind::hash) return json::value(to_string(p.kind));
  json::object o;
  o["name"] = "hash";
  o["key"] = p.key.text();
  return o;
}

inline json::object timeouts(const BalancerConfig& c) {
  json::object t;
  t["connect"] = seconds(c.connect_timeout);
  t["response"] = seconds(c.response_timeout);
  t["header"] = seconds(c.server.header_timeout);
  t["body"] = seconds(c.server.body_timeout);
  t["idle"] = seconds(c.server.idle_timeout);
  t["write"] = seconds(c.server.write_timeout);
  t["drain"] = seconds(c.server.drain_timeout);
  t["retry"] = seconds(c.retry_timeout);
  return t;
}

inline json::object health(const HealthCheckConfig& h) {
  json::object o;
  o["enabled"] = h.enabled;
  o["path"] = h.path;
  o["interval"] = seconds(h.interval);
  o["timeout"] = seconds(h.timeout);
  o["fails"] = h.fails;
  o["passes"] = h.passes;
  return o;
}

inline void limits_and_pool(const BalancerConfig& c, json::object& o) {
  o["pool"] = json::object{{"max_idle_per_upstream", c.pool_max_idle},
                           {"idle_timeout", seconds(c.pool_idle_timeout)}};
  o["limits"] = json::object{{"max_header_bytes", c.server.max_header_bytes},
                             {"max_body_bytes", c.server.max_body_bytes},
                             {"max_connections", c.server.max_connections}};
  o["retries"] = json::object{{"tries", c.tries},
                              {"budget", c.retry_budget.ratio},
                              {"min_concurrent", c.retry_budget.min_concurrent}};
  o["outlier_detection"] = json::object{{"consecutive_5xx", c.outlier.consecutive_5xx},
                                        {"ejection_time", seconds(c.outlier.ejection)}};
}

}  // namespace config_detail

inline std::string to_json(const balancer::BalancerConfig& c) {
  using namespace config_detail;
  json::object o;
  o["listen"] = balancer::HostPort{c.server.host, c.server.port}.text();
  o["threads"] = c.server.threads;
  o["name"] = c.name;
  o["access_log"] = c.access_log;
  if (!c.upstreams.empty()) {
    json::array a;
    for (const auto& u : c.upstreams) a.push_back(upstream(u));
    o["upstreams"] = std::move(a);
  }
  o["timeouts"] = timeouts(c);
  o["health_check"] = health(c.health);
  limits_and_pool(c, o);
  o["admin_prefix"] = c.admin_prefix;
  if (c.admin_explicit) o["admin"] = c.admin ? json::value(c.admin->text()) : json::value(nullptr);
  o["policy"] = policy(c.policy);
  o["slow_start"] = seconds(c.policy.slow_start);
  return json::serialize(o);
}

}  // namespace conv::fuzz
