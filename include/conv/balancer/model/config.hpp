#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conv/balancer/proxy/trusted_proxies.hpp"
#include "conv/http/host_port.hpp"
#include "conv/http/server_options.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/client_context.hpp"
#include "conv/tls/server_options.hpp"

namespace conv::balancer {

// A configuration error; the message names the field ("upstreams[1].address: ...").
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Addresses are parsed by the HTTP layer's one host:port parser (probe URLs use it too); the
// names stay here because the whole balancer and its tests spell them unqualified.
using http::HostPort;
using http::parse_host_port;

// Upstreams in one config at most, each address slot of a "resolve": "all" entry counted.
constexpr std::size_t kMaxUpstreams = 256;

struct UpstreamConfig {
  HostPort address;
  unsigned weight = 1;     // 1-100; smooth weighted round-robin
  unsigned max_fails = 1;  // passive health: consecutive failures that take it out...
  std::chrono::milliseconds fail_timeout{10'000};  // ...for this long (nginx semantics)
  unsigned max_conns =
      0;  // requests in flight to it (to each address of a name) at most (0: no cap)
  // A name is re-resolved every health-check interval. "resolve": "first" (false): one of its
  // addresses (kept while the name still has it), so a restarted container's new address is
  // followed. "all" (true): every address is an upstream of its own (at most max_addresses):
  // replicas behind one name (compose --scale, a Kubernetes headless Service).
  bool resolve_all = false;
  unsigned max_addresses = 16;  // with resolve_all: 1-256
  // Connect over TLS with these settings ("tls": true or an object); none: plain TCP.
  std::optional<tls::ClientSettings> tls;
  // Built from `tls` (its files read and checked) by load_config_file, or else by the
  // Upstream; shared by every slot of the entry and every thread.
  std::shared_ptr<const tls::ClientContext> tls_context;
};

// How an upstream is chosen for each request.
enum class PolicyKind { round_robin, least_conn, random, hash };
const char* to_string(PolicyKind k);

// Which X-Request-Id the balancer passes on (docs/api.md#request-ids-and-tracing): a valid
// one from the client (`keep`), only from a trusted proxy (`trusted`), or always its own.
enum class RequestIdMode { keep, trusted, replace };
const char* to_string(RequestIdMode m);
std::optional<RequestIdMode> parse_request_id_mode(std::string_view text);

// What the `hash` policy hashes.
struct HashKey {
  enum Kind { header, cookie, client_address } kind = client_address;
  std::string name;          // the header or cookie name
  std::string text() const;  // "header:X-User", "cookie:sid", "client_address"
  bool operator==(const HashKey&) const = default;
};

struct PolicyConfig {
  PolicyKind kind = PolicyKind::round_robin;
  HashKey key;                              // for PolicyKind::hash
  std::chrono::milliseconds slow_start{0};  // a recovered upstream's weight ramps up over this
  bool operator==(const PolicyConfig&) const = default;
};

// Ejects an upstream after `consecutive_5xx` 5xx answers in a row (0: off) for `ejection`.
struct OutlierConfig {
  unsigned consecutive_5xx = 0;
  std::chrono::milliseconds ejection{30'000};
};

// Retries in flight may be at most `ratio` of the requests in flight, or `min_concurrent`,
// whichever is more (Envoy's retry budget). ratio 0: no budget (only `tries` limits).
struct RetryBudgetConfig {
  double ratio = 0;
  unsigned min_concurrent = 3;
};

struct HealthCheckConfig {
  bool enabled = true;
  std::string path = "/healthz";
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{1000};
  unsigned fails = 2;   // consecutive failed checks that mark an upstream down
  unsigned passes = 1;  // consecutive passed checks that bring it back
};

struct BalancerConfig {
  http::ServerOptions server;  // listen address, threads, client limits and timeouts
  std::string name;            // X-Served-By of the balancer's own answers (default: host name)
  std::string access_log = "-";
  log::Settings logging;  // the event log's level; both logs' format
  std::vector<UpstreamConfig> upstreams;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds response_timeout{30'000};  // for the response header, and between
                                                       // body reads
  // A switched protocol's tunnel (WebSocket) closes after this long with no byte either way.
  std::chrono::milliseconds tunnel_idle_timeout{3'600'000};
  unsigned tries = 3;                             // attempts per request, first included
  std::chrono::milliseconds retry_timeout{5000};  // no new attempt after this
  unsigned pool_max_idle = 1024;  // idle keep-alive connections per upstream and thread
  std::chrono::milliseconds pool_idle_timeout{30'000};
  HealthCheckConfig health;
  PolicyConfig policy;
  OutlierConfig outlier;
  RetryBudgetConfig retry_budget;
  // The admin listener (metrics, status, runtime control, reload); nothing: off.
  std::optional<HostPort> admin = HostPort{"127.0.0.1", 9000};
  // Whether the file or --admin chose it: a chosen admin address that cannot be bound is fatal;
  // the default one, taken (say by a second balancer on this host), is skipped with a warning.
  bool admin_explicit = false;
  std::string admin_prefix = "/_conv";  // the balancer's own endpoints; never forwarded
  // Extra names the admin API accepts in Host and Origin (besides IP literals and localhost).
  std::vector<std::string> admin_hosts;
  // A file holding the bearer token every state-changing admin request must present; required
  // when the admin address is not loopback.
  std::string admin_token_file;
  // A read-only listener for scrapers: GET /metrics and /healthz only. Nothing: off.
  std::optional<HostPort> metrics;
  // Serve <admin_prefix>/metrics on the main (public) port too; off by default: it shows
  // every upstream's address and state.
  bool public_metrics = false;
  // Peers whose X-Forwarded-For, Forwarded and X-Real-IP are kept (see TrustedProxies).
  std::vector<Cidr> trusted_proxies;
  RequestIdMode request_id = RequestIdMode::keep;
  // HTTPS for clients (the "tls" section, or --tls-cert and its flags); no certificate: off.
  tls::EdgeOptions tls;
};

// Whether `host` (an address or name, as in HostPort) is loopback: 127.0.0.0/8, ::1 or
// "localhost".
bool is_loopback_host(std::string_view host);

// The index of the first upstream whose host (compared without case) and port an earlier one
// has, with that earlier one's: a list naming one server twice would send it twice the
// traffic by accident (use "weight").
std::optional<std::pair<std::size_t, std::size_t>> repeated_upstream(
    const std::vector<UpstreamConfig>& upstreams);

// The defaults of a balancer: port 5000, 100 MiB request bodies (streamed, never held).
BalancerConfig default_config();

// Parses the JSON config file format (docs/configuration.md, "Balancer config") over `base`. Throws
// ConfigError naming the field.
BalancerConfig parse_config(std::string_view json, BalancerConfig base = default_config());

// Builds the TLS context of each upstream that has "tls" settings, reading and checking its
// files (CA, client certificate and key). Throws ConfigError naming the upstream and the file.
void load_upstream_tls(BalancerConfig& config);

// Reads and parses a file, and loads its upstreams' TLS files (load_upstream_tls). Throws
// ConfigError, naming the file.
BalancerConfig load_config_file(const std::string& path, BalancerConfig base = default_config());

}  // namespace conv::balancer
