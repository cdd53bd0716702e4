// Two balancer configs compared field by field, for the config fuzzer's round trip: the name
// of the first field that differs, or nothing.
#pragma once

#include <optional>
#include <string>

#include "conv/balancer/model/config.hpp"

namespace conv::fuzz {

namespace diff_detail {

using namespace balancer;

// Collects the first difference: `field(name, a == b)`.
struct Diff {
  std::optional<std::string> first;
  void field(const std::string& name, bool same) {
    if (!same && !first) first = name;
  }
};

inline void server(Diff& d, const http::ServerOptions& a, const http::ServerOptions& b) {
  d.field("listen.host", a.host == b.host);
  d.field("listen.port", a.port == b.port);
  d.field("threads", a.threads == b.threads);
  d.field("io_model", a.io_model == b.io_model);
  d.field("limits.max_header_bytes", a.max_header_bytes == b.max_header_bytes);
  d.field("limits.max_body_bytes", a.max_body_bytes == b.max_body_bytes);
  d.field("limits.max_connections", a.max_connections == b.max_connections);
  d.field("timeouts.header", a.header_timeout == b.header_timeout);
  d.field("timeouts.body", a.body_timeout == b.body_timeout);
  d.field("timeouts.idle", a.idle_timeout == b.idle_timeout);
  d.field("timeouts.write", a.write_timeout == b.write_timeout);
  d.field("timeouts.drain", a.drain_timeout == b.drain_timeout);
}

inline void upstream(Diff& d, const std::string& at, const UpstreamConfig& a,
                     const UpstreamConfig& b) {
  d.field(at + ".address", a.address.host == b.address.host && a.address.port == b.address.port);
  d.field(at + ".weight", a.weight == b.weight);
  d.field(at + ".max_fails", a.max_fails == b.max_fails);
  d.field(at + ".fail_timeout", a.fail_timeout == b.fail_timeout);
  d.field(at + ".max_conns", a.max_conns == b.max_conns);
  d.field(at + ".resolve", a.resolve_all == b.resolve_all);
  d.field(at + ".max_addresses", a.max_addresses == b.max_addresses);
  d.field(at + ".tls", a.tls == b.tls);
}

inline void proxy(Diff& d, const BalancerConfig& a, const BalancerConfig& b) {
  d.field("timeouts.connect", a.connect_timeout == b.connect_timeout);
  d.field("timeouts.response", a.response_timeout == b.response_timeout);
  d.field("timeouts.retry", a.retry_timeout == b.retry_timeout);
  d.field("retries.tries", a.tries == b.tries);
  d.field("retries.budget", a.retry_budget.ratio == b.retry_budget.ratio);
  d.field("retries.min_concurrent", a.retry_budget.min_concurrent == b.retry_budget.min_concurrent);
  d.field("pool.max_idle_per_upstream", a.pool_max_idle == b.pool_max_idle);
  d.field("pool.idle_timeout", a.pool_idle_timeout == b.pool_idle_timeout);
  d.field("health_check.enabled", a.health.enabled == b.health.enabled);
  d.field("health_check.path", a.health.path == b.health.path);
  d.field("health_check.interval", a.health.interval == b.health.interval);
  d.field("health_check.timeout", a.health.timeout == b.health.timeout);
  d.field("health_check.fails", a.health.fails == b.health.fails);
  d.field("health_check.passes", a.health.passes == b.health.passes);
  d.field("policy", a.policy == b.policy);
  d.field("outlier_detection.consecutive_5xx",
          a.outlier.consecutive_5xx == b.outlier.consecutive_5xx);
  d.field("outlier_detection.ejection_time", a.outlier.ejection == b.outlier.ejection);
}

inline void admin(Diff& d, const BalancerConfig& a, const BalancerConfig& b) {
  d.field("name", a.name == b.name);
  d.field("access_log", a.access_log == b.access_log);
  d.field("logging", a.logging == b.logging);
  d.field("admin_prefix", a.admin_prefix == b.admin_prefix);
  d.field("admin_explicit", a.admin_explicit == b.admin_explicit);
  d.field("admin",
          a.admin.has_value() == b.admin.has_value() &&
              (!a.admin || (a.admin->host == b.admin->host && a.admin->port == b.admin->port)));
  d.field("admin_hosts", a.admin_hosts == b.admin_hosts);
  d.field("admin_token_file", a.admin_token_file == b.admin_token_file);
  d.field("metrics", a.metrics.has_value() == b.metrics.has_value() &&
                         (!a.metrics || a.metrics->text() == b.metrics->text()));
  d.field("public_metrics", a.public_metrics == b.public_metrics);
  d.field("request_id", a.request_id == b.request_id);
  d.field("trusted_proxies", a.trusted_proxies == b.trusted_proxies);
}

inline void edge_tls(Diff& d, const tls::EdgeOptions& a, const tls::EdgeOptions& b) {
  d.field("tls.certificates (count)", a.tls.certificates.size() == b.tls.certificates.size());
  for (std::size_t i = 0; i < a.tls.certificates.size() && i < b.tls.certificates.size(); ++i) {
    const auto& x = a.tls.certificates[i];
    const auto& y = b.tls.certificates[i];
    d.field("tls.certificates[" + std::to_string(i) + "]",
            x.cert == y.cert && x.key == y.key && x.server_names == y.server_names);
  }
  d.field("tls.port", a.port == b.port);
  d.field("tls.redirect_port", a.redirect_port == b.redirect_port);
  d.field("tls.min_version", a.tls.min_version == b.tls.min_version);
  d.field("tls.ciphers", a.tls.ciphers == b.tls.ciphers);
  d.field("tls.client_ca", a.tls.client_ca == b.tls.client_ca);
  d.field("tls.client_verify", a.tls.client_verify == b.tls.client_verify);
  d.field("tls.hsts_max_age", a.tls.hsts_max_age == b.tls.hsts_max_age);
  d.field("tls.ticket_key_rotation", a.tls.ticket_key_rotation == b.tls.ticket_key_rotation);
  d.field("tls.session_cache_size", a.tls.session_cache_size == b.tls.session_cache_size);
}

}  // namespace diff_detail

inline std::optional<std::string> config_diff(const balancer::BalancerConfig& a,
                                              const balancer::BalancerConfig& b) {
  using namespace diff_detail;
  Diff d;
  server(d, a.server, b.server);
  d.field("upstreams (count)", a.upstreams.size() == b.upstreams.size());
  for (std::size_t i = 0; i < a.upstreams.size() && i < b.upstreams.size(); ++i) {
    upstream(d, "upstreams[" + std::to_string(i) + "]", a.upstreams[i], b.upstreams[i]);
  }
  proxy(d, a, b);
  admin(d, a, b);
  edge_tls(d, a.tls, b.tls);
  return d.first;
}

}  // namespace conv::fuzz
