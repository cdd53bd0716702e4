// The balancer config parser (src/balancer/model/config.cpp) on arbitrary bytes: it either throws
// ConfigError or returns a config that
//  - keeps every range docs/configuration.md and the parser's own messages document (below), and
//  - reads back the same, field by field, from itself written as a file (dump_config, which
//    `conv balancer --check --dump` and the admin API's GET /config print).
// The defaults docs/configuration.md documents are checked once, before the first input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config_diff.hpp"
#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/config_dump.hpp"
#include "conv/http/host_port.hpp"
#include "conv/util/json_text.hpp"

using namespace conv::balancer;
using std::chrono::milliseconds;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what.c_str());
  std::abort();
}

void in_range(std::uint64_t v, std::uint64_t min, std::uint64_t max, const char* field) {
  if (v < min || v > max) {
    finding(std::string(field) + " = " + std::to_string(v) + ", outside " + std::to_string(min) +
            ".." + std::to_string(max));
  }
}

// "A number of seconds > 0 (>= 0) and at most 86400": at least a millisecond once parsed, as
// a 0 ms timeout would be no time at all.
void seconds_in_range(milliseconds v, bool zero_ok, const char* field) {
  in_range(static_cast<std::uint64_t>(v.count()), zero_ok ? 0 : 1, 86'400'000, field);
}

void host_port_ok(const HostPort& hp, bool port_zero_ok, const char* field) {
  const auto again = parse_host_port(hp.text(), {.allow_port_zero = port_zero_ok});
  if (!again || again->host != hp.host || again->port != hp.port) {
    finding(std::string(field) + " does not print back as HOST:PORT: " + hp.text());
  }
}

void upstreams_in_range(const BalancerConfig& c, bool listed) {
  if (listed && c.upstreams.empty()) finding("an \"upstreams\" key with no upstream");
  std::size_t slots = 0;
  for (const auto& u : c.upstreams) {
    host_port_ok(u.address, false, "upstreams[].address");
    in_range(u.weight, 1, 100, "upstreams[].weight");
    in_range(u.max_fails, 0, 1000, "upstreams[].max_fails");
    seconds_in_range(u.fail_timeout, false, "upstreams[].fail_timeout");
    in_range(u.max_conns, 0, 1'000'000, "upstreams[].max_conns");
    in_range(u.max_addresses, 1, 256, "upstreams[].max_addresses");
    if (!u.resolve_all && u.max_addresses != 16) finding("max_addresses without resolve all");
    slots += u.resolve_all ? u.max_addresses : 1;
  }
  in_range(slots, 0, kMaxUpstreams, "upstream slots");
}

void server_in_range(const conv::http::ServerOptions& s) {
  host_port_ok({s.host, s.port}, true, "listen");
  in_range(s.threads, 1, 256, "threads");
  in_range(s.max_header_bytes, 1024, 1 << 20, "limits.max_header_bytes");
  in_range(s.max_body_bytes, 0, 1ull << 40, "limits.max_body_bytes");
  in_range(s.max_connections, 1, 1 << 20, "limits.max_connections");
  seconds_in_range(s.header_timeout, false, "timeouts.header");
  seconds_in_range(s.body_timeout, false, "timeouts.body");
  seconds_in_range(s.idle_timeout, false, "timeouts.idle");
  seconds_in_range(s.write_timeout, false, "timeouts.write");
  seconds_in_range(s.drain_timeout, true, "timeouts.drain");
}

bool path_ok(const std::string& p) {
  return !p.empty() && p[0] == '/' && p.find_first_of(" \r\n\t") == std::string::npos;
}

bool token(std::string_view name) {
  for (char ch : name) {
    if (ch <= 0x20 || ch >= 0x7f || ch == ':' || ch == ';' || ch == '=' || ch == ',') return false;
  }
  return !name.empty();
}

void proxy_in_range(const BalancerConfig& c) {
  seconds_in_range(c.connect_timeout, false, "timeouts.connect");
  seconds_in_range(c.response_timeout, false, "timeouts.response");
  seconds_in_range(c.retry_timeout, false, "timeouts.retry");
  in_range(c.tries, 1, 20, "retries.tries");
  if (!(c.retry_budget.ratio >= 0 && c.retry_budget.ratio <= 1)) finding("retries.budget");
  in_range(c.retry_budget.min_concurrent, 0, 100'000, "retries.min_concurrent");
  in_range(c.pool_max_idle, 0, 10'000, "pool.max_idle_per_upstream");
  seconds_in_range(c.pool_idle_timeout, false, "pool.idle_timeout");
  if (!path_ok(c.health.path)) finding("health_check.path: " + c.health.path);
  seconds_in_range(c.health.interval, false, "health_check.interval");
  seconds_in_range(c.health.timeout, false, "health_check.timeout");
  in_range(c.health.fails, 1, 100, "health_check.fails");
  in_range(c.health.passes, 1, 100, "health_check.passes");
  in_range(c.outlier.consecutive_5xx, 0, 1000, "outlier_detection.consecutive_5xx");
  seconds_in_range(c.outlier.ejection, false, "outlier_detection.ejection_time");
  seconds_in_range(c.policy.slow_start, true, "slow_start");
}

void admin_in_range(const BalancerConfig& c) {
  const std::string& p = c.admin_prefix;
  if (p.size() < 2 || p[0] != '/' || p.back() == '/') finding("admin_prefix: " + p);
  if (c.admin) host_port_ok(*c.admin, true, "admin");
  const auto& k = c.policy.key;
  if (c.policy.kind == PolicyKind::hash && k.kind != HashKey::client_address && !token(k.name)) {
    finding("policy.key: " + k.text());
  }
}

void check_ranges(const BalancerConfig& c, bool listed_upstreams) {
  server_in_range(c.server);
  upstreams_in_range(c, listed_upstreams);
  proxy_in_range(c);
  admin_in_range(c);
}

void check_round_trip(const BalancerConfig& c) {
  const std::string file = dump_config_text(c);
  BalancerConfig again;
  try {
    again = parse_config(file);
  } catch (const ConfigError& e) {
    finding(std::string("the config written back is refused: ") + e.what() + "\n" + file);
  }
  // The dump names the admin address whether or not the file chose it.
  again.admin_explicit = c.admin_explicit;
  if (const auto field = conv::fuzz::config_diff(c, again)) {
    finding("written back and read again, " + *field + " differs:\n" + file);
  }
}

bool lists_upstreams(std::string_view text) {
  try {
    const auto v = conv::util::parse_json_text(text);  // comments allowed, as the parser does
    return v.is_object() && v.get_object().contains("upstreams");
  } catch (const conv::util::JsonTextError&) {
    return false;
  }
}

// The defaults docs/configuration.md documents ("Keys, ranges and defaults"; threads and name are
// the command's).
void check_defaults() {
  const BalancerConfig d = default_config();
  const auto s = [](milliseconds ms) { return ms.count(); };
  const bool ok = d.server.host == "0.0.0.0" && d.server.port == 5000 && d.access_log == "-" &&
                  s(d.connect_timeout) == 1000 && s(d.response_timeout) == 30'000 &&
                  s(d.retry_timeout) == 5000 && s(d.server.header_timeout) == 10'000 &&
                  s(d.server.body_timeout) == 30'000 && s(d.server.idle_timeout) == 60'000 &&
                  s(d.server.write_timeout) == 30'000 && s(d.server.drain_timeout) == 10'000 &&
                  d.tries == 3 && d.health.enabled && d.health.path == "/healthz" &&
                  s(d.health.interval) == 1000 && s(d.health.timeout) == 1000 &&
                  d.health.fails == 2 && d.health.passes == 1 && d.pool_max_idle == 1024 &&
                  s(d.pool_idle_timeout) == 30'000 && d.server.max_header_bytes == 16384 &&
                  d.server.max_body_bytes == 104'857'600 && d.server.max_connections == 10'000 &&
                  d.admin_prefix == "/_conv" && d.admin && d.admin->text() == "127.0.0.1:9000" &&
                  d.policy.kind == PolicyKind::round_robin && s(d.policy.slow_start) == 0 &&
                  d.outlier.consecutive_5xx == 0 && d.retry_budget.ratio == 0 &&
                  d.retry_budget.min_concurrent == 3;
  if (!ok) finding("default_config() differs from docs/configuration.md's documented defaults");
  check_round_trip(d);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  check_defaults();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const BalancerConfig c = parse_config(text);
    check_ranges(c, lists_upstreams(text));
    check_round_trip(c);
  } catch (const ConfigError&) {
  }
  // The HOST:PORT parser alone, and its round trip.
  if (const auto hp = parse_host_port(text)) {
    const auto again = parse_host_port(hp->text());
    if (!again || again->host != hp->host || again->port != hp->port) {
      finding("HOST:PORT does not print back: " + hp->text());
    }
  }
  return 0;
}
