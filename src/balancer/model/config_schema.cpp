#include "conv/balancer/model/config_schema.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace conv::balancer {

namespace {

using K = ConfigKey::Kind;
using B = BalancerConfig;
using S = http::ServerOptions;

// A member of BalancerConfig, or of one of its members: field<&B::health, &H::fails>(c).
template <auto Member, auto... Rest>
constexpr auto& field(auto& object) {
  if constexpr (sizeof...(Rest) == 0) {
    return object.*Member;
  } else {
    return field<Rest...>(object.*Member);
  }
}

std::uint64_t stored(std::chrono::milliseconds d) {
  return static_cast<std::uint64_t>(d.count());
}
std::uint64_t stored(unsigned n) {
  return n;
}
void assign(std::chrono::milliseconds& d, std::uint64_t ms) {
  d = std::chrono::milliseconds(ms);
}
void assign(unsigned& n, std::uint64_t v) {
  n = static_cast<unsigned>(v);
}

template <auto... M>
std::uint64_t get_of(const B& c) {
  return stored(field<M...>(c));
}
template <auto... M>
void set_of(B& c, std::uint64_t v) {
  assign(field<M...>(c), v);
}
template <auto... M>
bool differs_of(const B& a, const B& b) {
  return !(field<M...>(a) == field<M...>(b));
}
template <auto... M>
void keep_of(B& into, const B& from) {
  field<M...>(into) = field<M...>(from);
}

// A scalar held in BalancerConfig: the accessors of one member path.
template <auto... M>
constexpr ConfigKey scalar(ConfigKey k) {
  k.get_value = get_of<M...>;
  k.set_value = set_of<M...>;
  return k;
}
// A kept setting that is not a scalar: compared and copied whole.
template <auto... M>
constexpr ConfigKey kept(ConfigKey k) {
  k.differs_value = differs_of<M...>;
  k.keep_value = keep_of<M...>;
  return k;
}

// Optional addresses compare by their text, as they are written.
template <std::optional<HostPort> B::*M>
bool address_differs(const B& a, const B& b) {
  const auto text = [](const B& c) { return (c.*M) ? (c.*M)->text() : std::string("off"); };
  return text(a) != text(b);
}

bool listen_differs(const B& a, const B& b) {
  return a.server.host != b.server.host || a.server.port != b.server.port;
}
void keep_listen(B& into, const B& from) {
  into.server.host = from.server.host;
  into.server.port = from.server.port;
}

// An upstream keeps the TLS settings it was added with (its pooled connections and sessions
// were made with them): a reload that changes them for an upstream still listed keeps them.
const UpstreamConfig* same_upstream(const B& c, const UpstreamConfig& u) {
  for (const auto& x : c.upstreams) {
    if (x.address.text() == u.address.text() && x.resolve_all == u.resolve_all) return &x;
  }
  return nullptr;
}
bool upstream_tls_differs(const B& a, const B& b) {
  return std::any_of(b.upstreams.begin(), b.upstreams.end(), [&a](const UpstreamConfig& u) {
    const UpstreamConfig* was = same_upstream(a, u);
    return was && was->tls != u.tls;
  });
}
void keep_upstream_tls(B& into, const B& from) {
  for (auto& u : into.upstreams) {
    if (const UpstreamConfig* was = same_upstream(from, u)) {
      u.tls = was->tls;
      u.tls_context = was->tls_context;
    }
  }
}
constexpr ConfigKey upstream_tls(ConfigKey k) {
  k.kept_as = "an upstream's tls";
  k.differs_value = upstream_tls_differs;
  k.keep_value = keep_upstream_tls;
  return k;
}

constexpr std::uint64_t kMaxMs = http::kMaxTimeoutMs;
using H = HealthCheckConfig;
using E = tls::EdgeOptions;
using T = tls::ServerTlsOptions;
using LS = log::Settings;

// The rows before the HTTP core's timeouts, between them and its limits, and after.
const std::array kHead = {
    ConfigKey{.key = "listen",
              .flag = "--host, --port",
              .values = "`HOST:PORT`",
              .fallback = "`0.0.0.0:5000`",
              .kept_as = "listen",
              .differs_value = listen_differs,
              .keep_value = keep_listen},
    scalar<&B::server, &S::threads>({.key = "threads",
                                     .flag = "--threads",
                                     .kind = K::count,
                                     .min = 1,
                                     .max = http::kMaxThreads,
                                     .fallback = "CPU count",
                                     .kept_as = "threads"}),
    kept<&B::server, &S::io_model>({.flag = "--io-model",
                                    .values = "`per-thread` or `shared`",
                                    .fallback = "`per-thread`",
                                    .kept_as = "io_model"}),
    kept<&B::name>({.key = "name",
                    .flag = "--name",
                    .values = "string",
                    .fallback = "host name",
                    .kept_as = "name"}),
    kept<&B::access_log>({.key = "access_log",
                          .flag = "--access-log",
                          .values = "`\"-\"`, `\"off\"` or a path",
                          .fallback = "`\"-\"`",
                          .kept_as = "access_log"}),
    kept<&B::logging, &LS::level>({.key = "log_level",
                                   .flag = "--log-level",
                                   .values = "`\"debug\"`, `\"info\"`, `\"warn\"` or `\"error\"`",
                                   .fallback = "`\"info\"`",
                                   .kept_as = "log_level"}),
    kept<&B::logging, &LS::format>({.key = "log_format",
                                    .flag = "--log-format",
                                    .values = "`\"text\"` or `\"json\"` (both logs)",
                                    .fallback = "`\"text\"`",
                                    .kept_as = "log_format"}),
    ConfigKey{.key = "upstreams",
              .flag = "--upstream",
              .values = "at least one; a `\"HOST:PORT\"` string or an object; at most 256 "
                        "counting every slot of `\"resolve\": \"all\"`",
              .fallback = "(required)"},
    ConfigKey{.section = "upstreams[]",
              .key = "address",
              .values = "`HOST:PORT`",
              .fallback = "(required)"},
    ConfigKey{.section = "upstreams[]",
              .key = "weight",
              .kind = K::count,
              .min = 1,
              .max = 100,
              .fallback = "1"},
    ConfigKey{.section = "upstreams[]",
              .key = "max_fails",
              .kind = K::count,
              .max = 1000,
              .fallback = "1"},
    ConfigKey{.section = "upstreams[]",
              .key = "fail_timeout",
              .kind = K::seconds,
              .min = 1,
              .max = kMaxMs,
              .fallback = "10"},
    ConfigKey{.section = "upstreams[]",
              .key = "max_conns",
              .kind = K::count,
              .max = 1'000'000,
              .values = "0: no cap",
              .fallback = "0"},
    ConfigKey{.section = "upstreams[]",
              .key = "resolve",
              .values = "`\"first\"` or `\"all\"` ([Discovery by name](#discovery-by-name))",
              .fallback = "`\"first\"`"},
    ConfigKey{.section = "upstreams[]",
              .key = "max_addresses",
              .kind = K::count,
              .min = 1,
              .max = 256,
              .values = "only with `\"resolve\": \"all\"`",
              .fallback = "16"},
    upstream_tls({.section = "upstreams[]",
                  .key = "tls",
                  .values = "`true` (every default below), `false`, or an object of the keys "
                            "below: connect over TLS ([Upstream TLS](#upstream-tls))",
                  .fallback = "plain TCP"}),
    upstream_tls({.section = "upstreams[].tls",
                  .key = "verify",
                  .values = "`true` or `false`: the upstream's certificate chain and name",
                  .fallback = "`true`"}),
    upstream_tls({.section = "upstreams[].tls",
                  .key = "ca",
                  .values = "a PEM file of the CA certificates to trust",
                  .fallback = "the system's CAs"}),
    upstream_tls({.section = "upstreams[].tls",
                  .key = "server_name",
                  .values = "a host name: sent as SNI, and verified",
                  .fallback = "the upstream's host"}),
    upstream_tls({.section = "upstreams[].tls",
                  .key = "client_cert",
                  .values = "a PEM certificate (chain) file to present, with `client_key`",
                  .fallback = "none"}),
    upstream_tls({.section = "upstreams[].tls",
                  .key = "client_key",
                  .values = "the PEM key file of `client_cert`",
                  .fallback = "none"}),
    scalar<&B::connect_timeout>(
        {.section = "timeouts", .key = "connect", .kind = K::seconds, .min = 1, .max = kMaxMs}),
    scalar<&B::response_timeout>(
        {.section = "timeouts", .key = "response", .kind = K::seconds, .min = 1, .max = kMaxMs}),
    scalar<&B::tunnel_idle_timeout>(
        {.section = "timeouts",
         .key = "tunnel",
         .kind = K::seconds,
         .min = 1,
         .max = kMaxMs,
         .values = "a WebSocket (upgraded) connection idle this long closes"}),
};

const std::array kMiddle = {
    scalar<&B::retry_timeout>(
        {.section = "timeouts", .key = "retry", .kind = K::seconds, .min = 1, .max = kMaxMs}),
    scalar<&B::tries>({.section = "retries",
                       .key = "tries",
                       .kind = K::count,
                       .min = 1,
                       .max = 20,
                       .values = "attempts, the first included"}),
    scalar<&B::retry_timeout>({.section = "retries",
                               .key = "timeout",
                               .kind = K::seconds,
                               .min = 1,
                               .max = kMaxMs,
                               .values = "the same setting as `timeouts.retry`"}),
    ConfigKey{
        .section = "retries", .key = "budget", .values = "0 to 1; 0: no budget", .fallback = "0"},
    scalar<&B::retry_budget, &RetryBudgetConfig::min_concurrent>(
        {.section = "retries", .key = "min_concurrent", .kind = K::count, .max = 100'000}),
    ConfigKey{.key = "health_check",
              .values = "an object, or `null` (no active checks)",
              .fallback = "checks on"},
    ConfigKey{.section = "health_check",
              .key = "enabled",
              .values = "`true` or `false`",
              .fallback = "`true`"},
    ConfigKey{.section = "health_check",
              .key = "path",
              .values = "a path starting with `/`",
              .fallback = "`\"/healthz\"`"},
    scalar<&B::health, &H::interval>({.section = "health_check",
                                      .key = "interval",
                                      .kind = K::seconds,
                                      .min = 1,
                                      .max = kMaxMs}),
    scalar<&B::health, &H::timeout>(
        {.section = "health_check", .key = "timeout", .kind = K::seconds, .min = 1, .max = kMaxMs}),
    scalar<&B::health, &H::fails>(
        {.section = "health_check", .key = "fails", .kind = K::count, .min = 1, .max = 100}),
    scalar<&B::health, &H::passes>(
        {.section = "health_check", .key = "passes", .kind = K::count, .min = 1, .max = 100}),
    scalar<&B::pool_max_idle>({.section = "pool",
                               .key = "max_idle_per_upstream",
                               .kind = K::count,
                               .max = 10'000,
                               .values = "per upstream and thread",
                               .kept_as = "pool"}),
    scalar<&B::pool_idle_timeout>({.section = "pool",
                                   .key = "idle_timeout",
                                   .kind = K::seconds,
                                   .min = 1,
                                   .max = kMaxMs,
                                   .kept_as = "pool"}),
};

const std::array kTail = {
    kept<&B::admin_prefix>({.key = "admin_prefix",
                            .values = "a path starting with `/`, not ending with `/`",
                            .fallback = "`\"/_conv\"`",
                            .kept_as = "admin_prefix"}),
    ConfigKey{.key = "admin",
              .flag = "--admin",
              .values = "`HOST:PORT`, or `null` or `\"off\"`",
              .fallback = "`\"127.0.0.1:9000\"`",
              .kept_as = "admin",
              .differs_value = address_differs<&B::admin>,
              .keep_value = keep_of<&B::admin>},
    ConfigKey{.key = "policy",
              .values = "`\"round_robin\"`, `\"least_conn\"`, `\"random\"`, or `{\"name\": "
                        "\"hash\", \"key\": K}` with K `\"header:NAME\"`, `\"cookie:NAME\"` or "
                        "`\"client_address\"`",
              .fallback = "`\"round_robin\"`"},
    scalar<&B::policy, &PolicyConfig::slow_start>(
        {.key = "slow_start", .kind = K::seconds, .max = kMaxMs}),
    scalar<&B::outlier, &OutlierConfig::consecutive_5xx>({.section = "outlier_detection",
                                                          .key = "consecutive_5xx",
                                                          .kind = K::count,
                                                          .max = 1000,
                                                          .values = "0: off"}),
    scalar<&B::outlier, &OutlierConfig::ejection>({.section = "outlier_detection",
                                                   .key = "ejection_time",
                                                   .kind = K::seconds,
                                                   .min = 1,
                                                   .max = kMaxMs}),
    kept<&B::admin_hosts>({.key = "admin_hosts",
                           .values = "host names the admin API accepts in `Host` and `Origin`",
                           .fallback = "none",
                           .kept_as = "admin_hosts"}),
    kept<&B::admin_token_file>({.key = "admin_token_file",
                                .flag = "--admin-token-file",
                                .values = "a path; required if `admin` is not loopback",
                                .fallback = "none",
                                .kept_as = "admin_token_file"}),
    ConfigKey{.key = "metrics",
              .flag = "--metrics",
              .values = "`HOST:PORT`, or `null` or `\"off\"`",
              .fallback = "none",
              .kept_as = "metrics",
              .differs_value = address_differs<&B::metrics>,
              .keep_value = keep_of<&B::metrics>},
    kept<&B::public_metrics>({.key = "public_metrics",
                              .values = "`true` or `false`",
                              .fallback = "`false`",
                              .kept_as = "public_metrics"}),
    kept<&B::trusted_proxies>({.key = "trusted_proxies",
                               .values = "addresses or CIDR blocks (no host bits set)",
                               .fallback = "none",
                               .kept_as = "trusted_proxies"}),
    ConfigKey{.key = "request_id",
              .values = "`\"keep\"` (a valid incoming `X-Request-Id`), `\"trusted\"` (only "
                        "from `trusted_proxies`) or `\"replace\"` (always a new one)",
              .fallback = "`\"keep\"`"},
    // HTTPS for clients (docs/tls.md). A reload re-reads the certificate and CA files; the
    // listener's other settings stay as started.
    ConfigKey{.section = "tls",
              .key = "certificates",
              .flag = "--tls-cert, --tls-key",
              .values = "`[{\"cert\": FILE, \"key\": FILE, \"server_names\": [NAME...]}]`: "
                        "the first is the default, SNI picks the others (names: the "
                        "certificate's own if not given)",
              .fallback = "none (no TLS)"},
    kept<&B::tls, &E::port>({.section = "tls",
                             .key = "port",
                             .flag = "--tls-port",
                             .values = "1-65535: HTTPS beside the plain `listen` port",
                             .fallback = "`listen` itself speaks TLS",
                             .kept_as = "tls"}),
    kept<&B::tls, &E::redirect_port>({.section = "tls",
                                      .key = "redirect_port",
                                      .flag = "--tls-redirect-port",
                                      .values = "1-65535: plain HTTP answered 308 to https",
                                      .fallback = "none",
                                      .kept_as = "tls"}),
    kept<&B::tls, &E::tls, &T::min_version>({.section = "tls",
                                             .key = "min_version",
                                             .flag = "--tls-min-version",
                                             .values = "`\"1.2\"` or `\"1.3\"`",
                                             .fallback = "`\"1.2\"`",
                                             .kept_as = "tls"}),
    kept<&B::tls, &E::tls, &T::ciphers>({.section = "tls",
                                         .key = "ciphers",
                                         .flag = "--tls-ciphers",
                                         .values = "TLS 1.2 cipher list, OpenSSL syntax",
                                         .fallback = "Mozilla intermediate",
                                         .kept_as = "tls"}),
    ConfigKey{.section = "tls",
              .key = "client_ca",
              .flag = "--tls-client-ca",
              .values = "a CA file: clients must present a certificate from it (mTLS)",
              .fallback = "none"},
    kept<&B::tls, &E::tls, &T::client_verify>({.section = "tls",
                                               .key = "client_verify",
                                               .flag = "--tls-client-verify",
                                               .values = "`\"required\"`, `\"optional\"` or "
                                                         "`\"off\"`",
                                               .fallback = "`\"required\"` with `client_ca`",
                                               .kept_as = "tls"}),
    kept<&B::tls, &E::tls, &T::hsts_max_age>({.section = "tls",
                                              .key = "hsts_max_age",
                                              .flag = "--hsts",
                                              .values = "seconds, at most 2 years; 0: no "
                                                        "Strict-Transport-Security",
                                              .fallback = "0",
                                              .kept_as = "tls"}),
    kept<&B::tls, &E::tls, &T::ticket_key_rotation>({.section = "tls",
                                                     .key = "ticket_key_rotation",
                                                     .values = "seconds; 0: no session tickets",
                                                     .fallback = "3600",
                                                     .kept_as = "tls"}),
    kept<&B::tls, &E::tls, &T::session_cache_size>({.section = "tls",
                                                    .key = "session_cache_size",
                                                    .values = "sessions; 0: no cache",
                                                    .fallback = "20480",
                                                    .kept_as = "tls"}),
};

// The rows of the HTTP core's table kept in `section`.
void add_core(std::vector<ConfigKey>& rows, std::string_view section) {
  for (const auto& s : http::server_settings()) {
    if (s.section != section) continue;
    rows.push_back({.section = s.section,
                    .key = s.key,
                    .flag = s.flag,
                    .kind = s.kind() == http::ServerSetting::Kind::count ? K::count : K::seconds,
                    .min = s.min,
                    .max = s.max,
                    .kept_as = s.kept_as,
                    .core = &s});
  }
}

std::vector<ConfigKey> build() {
  std::vector<ConfigKey> rows(kHead.begin(), kHead.end());
  add_core(rows, "timeouts");
  rows.insert(rows.end(), kMiddle.begin(), kMiddle.end());
  add_core(rows, "limits");
  rows.insert(rows.end(), kTail.begin(), kTail.end());
  return rows;
}

}  // namespace

std::uint64_t ConfigKey::get(const BalancerConfig& c) const {
  return core ? core->get(c.server) : get_value(c);
}

void ConfigKey::set(BalancerConfig& c, std::uint64_t value) const {
  if (core) {
    core->set(c.server, value);
  } else {
    set_value(c, value);
  }
}

bool ConfigKey::differs(const BalancerConfig& a, const BalancerConfig& b) const {
  return has_value() ? get(a) != get(b) : differs_value(a, b);
}

void ConfigKey::keep(BalancerConfig& into, const BalancerConfig& from) const {
  if (has_value()) {
    set(into, get(from));
  } else {
    keep_value(into, from);
  }
}

std::string ConfigKey::path() const {
  if (section.empty()) return std::string(key);
  return std::string(section) + "." + std::string(key);
}

std::span<const ConfigKey> config_keys() {
  static const std::vector<ConfigKey> rows = build();
  return rows;
}

const ConfigKey& config_key(std::string_view section, std::string_view key) {
  for (const auto& k : config_keys()) {
    if (k.section == section && k.key == key) return k;
  }
  throw std::logic_error("no setting " + std::string(section) + "." + std::string(key));
}

std::vector<std::string_view> config_keys_in(std::string_view section) {
  std::vector<std::string_view> keys;
  for (const auto& k : config_keys()) {
    std::string_view name;
    if (section.empty()) {
      // At the top level a section stands for its keys; an upstream's keys are in the list.
      name = k.section.empty()                                ? k.key
             : k.section.find("[]") != std::string_view::npos ? ""
                                                              : k.section;
    } else if (k.section == section) {
      name = k.key;
    }
    if (!name.empty() && std::find(keys.begin(), keys.end(), name) == keys.end()) {
      keys.push_back(name);
    }
  }
  return keys;
}

}  // namespace conv::balancer
