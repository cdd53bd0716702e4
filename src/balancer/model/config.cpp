#include "conv/balancer/model/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "conv/balancer/model/config_json.hpp"
#include "conv/balancer/model/config_schema.hpp"
#include "conv/balancer/model/tls_config.hpp"
#include "conv/util/json_text.hpp"

namespace conv::balancer {

namespace {

namespace json = boost::json;

using namespace config_json;  // NOLINT: the readers every section uses

HostPort host_port_at(const json::value& v, const std::string& field) {
  if (!v.is_string()) fail(field, "expected HOST:PORT");
  auto hp = parse_host_port(v.get_string());
  if (!hp) fail(field, "expected HOST:PORT");
  return *hp;
}

constexpr std::string_view kUpstream = "upstreams[]";

// A count of one upstream's, within the schema's range for it.
unsigned upstream_count(const json::value& v, const std::string& field, std::string_view key) {
  const ConfigKey& k = config_key(kUpstream, key);
  return static_cast<unsigned>(uint_at(v, field + "." + std::string(key), k.min, k.max));
}

std::string file_at(const json::value& v, const std::string& field) {
  if (!v.is_string() || v.get_string().empty()) fail(field, "expected a file path");
  return std::string(v.get_string());
}

constexpr std::string_view kUpstreamTls = "upstreams[].tls";

// "tls": true (every default), false (plain TCP), or an object of the schema's keys.
std::optional<tls::ClientSettings> upstream_tls_at(const json::value& v, const std::string& field) {
  if (v.is_bool()) return v.get_bool() ? std::optional(tls::ClientSettings{}) : std::nullopt;
  if (!v.is_object()) fail(field, "expected true, false or an object");
  const auto& o = v.get_object();
  reject_unknown(o, field, config_keys_in(kUpstreamTls));
  tls::ClientSettings s;
  if (auto* x = o.if_contains("verify")) s.verify = bool_at(*x, field + ".verify");
  if (auto* x = o.if_contains("ca")) s.ca_file = file_at(*x, field + ".ca");
  if (auto* x = o.if_contains("server_name")) {
    s.server_name = string_at(*x, field + ".server_name");
    const auto hp = parse_host_port(s.server_name + ":1");
    if (!hp || hp->host != s.server_name) fail(field + ".server_name", "expected a host name");
  }
  if (auto* x = o.if_contains("client_cert")) s.client_cert = file_at(*x, field + ".client_cert");
  if (auto* x = o.if_contains("client_key")) s.client_key = file_at(*x, field + ".client_key");
  if (s.client_cert.empty() != s.client_key.empty()) {
    fail(field + (s.client_cert.empty() ? ".client_cert" : ".client_key"),
         s.client_cert.empty() ? "required with client_key" : "required with client_cert");
  }
  if (!s.verify && !s.ca_file.empty()) fail(field + ".ca", "has no use with \"verify\": false");
  return s;
}

UpstreamConfig upstream_at(const json::value& v, const std::string& field) {
  UpstreamConfig u;
  if (v.is_string()) {
    u.address = host_port_at(v, field);
    return u;
  }
  const auto& o = object_at(v, field);
  reject_unknown(o, field, config_keys_in(kUpstream));
  const json::value* addr = o.if_contains("address");
  if (!addr) fail(field + ".address", "required");
  u.address = host_port_at(*addr, field + ".address");
  if (auto* w = o.if_contains("weight")) u.weight = upstream_count(*w, field, "weight");
  if (auto* m = o.if_contains("max_fails")) u.max_fails = upstream_count(*m, field, "max_fails");
  if (auto* t = o.if_contains("fail_timeout")) {
    u.fail_timeout = seconds_at(*t, field + ".fail_timeout");
  }
  if (auto* m = o.if_contains("max_conns")) u.max_conns = upstream_count(*m, field, "max_conns");
  if (auto* r = o.if_contains("resolve")) {
    const std::string mode = r->is_string() ? std::string(r->get_string()) : "";
    if (mode != "first" && mode != "all") fail(field + ".resolve", "expected \"first\" or \"all\"");
    u.resolve_all = mode == "all";
  }
  if (auto* m = o.if_contains("max_addresses")) {
    if (!u.resolve_all) fail(field + ".max_addresses", "only with \"resolve\": \"all\"");
    u.max_addresses = upstream_count(*m, field, "max_addresses");
  }
  if (auto* t = o.if_contains("tls")) u.tls = upstream_tls_at(*t, field + ".tls");
  return u;
}

// HOST:PORT to listen on; port 0 allowed (an ephemeral port).
HostPort listen_at(const json::value& v, const std::string& field) {
  if (!v.is_string()) fail(field, "expected HOST:PORT");
  auto hp = parse_host_port(v.get_string(), {.allow_port_zero = true});
  if (!hp) fail(field, "expected HOST:PORT");
  return *hp;
}

double ratio_at(const json::value& v, const std::string& field) {
  double r = -1;
  if (v.is_int64()) r = static_cast<double>(v.get_int64());
  if (v.is_uint64()) r = static_cast<double>(v.get_uint64());
  if (v.is_double()) r = v.get_double();
  if (!(r >= 0 && r <= 1)) fail(field, "expected a share from 0 to 1, such as 0.2");
  return r;
}

HashKey hash_key_at(const json::value& v, const std::string& field) {
  const std::string expected = "expected \"header:NAME\", \"cookie:NAME\" or \"client_address\"";
  if (!v.is_string()) fail(field, expected);
  const std::string_view s = v.get_string();
  HashKey k;
  if (s == "client_address") return k;
  const auto colon = s.find(':');
  const std::string_view kind = s.substr(0, colon);
  const std::string_view name = colon == std::string_view::npos ? "" : s.substr(colon + 1);
  bool token = !name.empty();
  for (char ch : name) {
    token = token && ch > 0x20 && ch < 0x7f && ch != ':' && ch != ';' && ch != '=' && ch != ',';
  }
  if (!token || (kind != "header" && kind != "cookie")) fail(field, expected);
  k.kind = kind == "header" ? HashKey::header : HashKey::cookie;
  k.name = std::string(name);
  return k;
}

// "round_robin", "least_conn", "random", or {"name": "hash", "key": "..."}.
PolicyConfig policy_at(const json::value& v, std::chrono::milliseconds slow_start) {
  PolicyConfig p;
  p.slow_start = slow_start;
  const std::string expected =
      "expected \"round_robin\", \"least_conn\", \"random\" or {\"name\": \"hash\", "
      "\"key\": ...}";
  const json::value* name = &v;
  const json::object* o = nullptr;
  if (v.is_object()) {
    o = &v.get_object();
    reject_unknown(*o, "policy", {"name", "key"});
    name = o->if_contains("name");
    if (!name) fail("policy.name", "required");
  }
  if (!name->is_string()) fail("policy", expected);
  const std::string_view n = name->get_string();
  if (n == "round_robin") {
    p.kind = PolicyKind::round_robin;
  } else if (n == "least_conn") {
    p.kind = PolicyKind::least_conn;
  } else if (n == "random") {
    p.kind = PolicyKind::random;
  } else if (n == "hash") {
    p.kind = PolicyKind::hash;
    const json::value* key = o ? o->if_contains("key") : nullptr;
    if (!key) fail("policy.key", "required for the hash policy");
    p.key = hash_key_at(*key, "policy.key");
  } else {
    fail("policy", expected);
  }
  if (o && p.kind != PolicyKind::hash && o->if_contains("key")) {
    fail("policy.key", "only the hash policy takes a key");
  }
  return p;
}

// The scalars of the schema kept in `section` of the file ("" for the top level), each
// within its range (a duration's in seconds, as seconds_at reads it).
void apply_scalars(const json::object& o, std::string_view section, BalancerConfig& c) {
  for (const auto& k : config_keys()) {
    if (k.section != section || !k.has_value()) continue;
    const json::value* v = o.if_contains(k.key);
    if (!v) continue;
    const std::string field = k.path();
    if (k.kind == ConfigKey::Kind::count) {
      k.set(c, uint_at(*v, field, k.min, k.max));
    } else {
      k.set(c, static_cast<std::uint64_t>(seconds_at(*v, field, k.min == 0).count()));
    }
  }
}

// The keys of `section`, all scalars: checked, then applied.
void apply_section(const json::value& v, std::string_view section, BalancerConfig& c) {
  const std::string where(section);
  const auto& o = object_at(v, where);
  reject_unknown(o, where, config_keys_in(section));
  apply_scalars(o, section, c);
}

void apply_health(const json::value& v, BalancerConfig& c) {
  const std::string w = "health_check";
  if (v.is_null()) {
    c.health.enabled = false;
    return;
  }
  const auto& o = object_at(v, w);
  reject_unknown(o, w, config_keys_in(w));
  if (auto* x = o.if_contains("enabled")) c.health.enabled = bool_at(*x, w + ".enabled");
  if (auto* x = o.if_contains("path")) {
    c.health.path = string_at(*x, w + ".path");
    if (c.health.path.empty() || c.health.path[0] != '/' ||
        c.health.path.find_first_of(" \r\n\t") != std::string::npos) {
      fail(w + ".path", "expected a path such as \"/healthz\"");
    }
  }
  apply_scalars(o, w, c);
}

// "log_level" and "log_format".
void apply_logging(const json::object& o, BalancerConfig& c) {
  if (auto* v = o.if_contains("log_level")) {
    const auto level = log::parse_level(string_at(*v, "log_level"));
    if (!level) fail("log_level", "expected \"debug\", \"info\", \"warn\" or \"error\"");
    c.logging.level = *level;
  }
  if (auto* v = o.if_contains("log_format")) {
    const auto format = log::parse_format(string_at(*v, "log_format"));
    if (!format) fail("log_format", "expected \"text\" or \"json\"");
    c.logging.format = *format;
  }
}

// Who may do what: the admin API's names and token, the metrics listener, trusted proxies,
// whose request IDs are kept.
void apply_access(const json::object& o, BalancerConfig& c) {
  if (auto* v = o.if_contains("admin_hosts")) {
    c.admin_hosts = strings_at(*v, "admin_hosts", "host names");
    for (std::size_t i = 0; i < c.admin_hosts.size(); ++i) {
      auto& h = c.admin_hosts[i];
      for (auto& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!parse_host_port(h + ":1")) {
        fail("admin_hosts[" + std::to_string(i) + "]",
             "expected a host name such as \"lb.internal\"");
      }
    }
  }
  if (auto* v = o.if_contains("admin_token_file")) {
    c.admin_token_file = string_at(*v, "admin_token_file");
    if (c.admin_token_file.empty()) fail("admin_token_file", "expected a file path");
  }
  if (auto* v = o.if_contains("metrics")) {
    if (v->is_null() || (v->is_string() && v->get_string() == "off")) {
      c.metrics.reset();
    } else {
      c.metrics = listen_at(*v, "metrics");
    }
  }
  if (auto* v = o.if_contains("public_metrics")) c.public_metrics = bool_at(*v, "public_metrics");
  if (auto* v = o.if_contains("request_id")) {
    const auto mode = parse_request_id_mode(string_at(*v, "request_id"));
    if (!mode) fail("request_id", "expected \"keep\", \"trusted\" or \"replace\"");
    c.request_id = *mode;
  }
  if (auto* v = o.if_contains("trusted_proxies")) {
    const auto texts = strings_at(*v, "trusted_proxies", "addresses or CIDR blocks");
    c.trusted_proxies.clear();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto block = parse_cidr(texts[i]);
      if (!block) {
        fail("trusted_proxies[" + std::to_string(i) + "]",
             "expected an address or CIDR block such as \"10.0.0.0/8\" (no host bits set)");
      }
      c.trusted_proxies.push_back(*block);
    }
  }
}

void apply_upstreams(const json::value& v, BalancerConfig& c) {
  if (!v.is_array()) fail("upstreams", "expected an array of upstreams");
  c.upstreams.clear();
  const auto& arr = v.get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    c.upstreams.push_back(upstream_at(arr[i], "upstreams[" + std::to_string(i) + "]"));
  }
  if (c.upstreams.empty()) fail("upstreams", "at least one upstream is needed");
  if (const auto r = repeated_upstream(c.upstreams)) {
    fail("upstreams[" + std::to_string(r->first) + "]",
         "the same upstream as upstreams[" + std::to_string(r->second) + "] (" +
             c.upstreams[r->first].address.text() + "); to send it more, give it a weight");
  }
  std::size_t slots = 0;
  for (const auto& u : c.upstreams) slots += u.resolve_all ? u.max_addresses : 1;
  if (slots > kMaxUpstreams) {
    fail("upstreams", "more than " + std::to_string(kMaxUpstreams) +
                          " upstreams (each max_addresses slot of \"resolve\": \"all\" counts)");
  }
}

// The top level's own keys (its sections apart).
void apply_top_level(const json::object& o, BalancerConfig& c) {
  if (auto* v = o.if_contains("listen")) {
    const HostPort hp = listen_at(*v, "listen");  // port 0: an ephemeral port
    c.server.host = hp.host;
    c.server.port = hp.port;
  }
  if (auto* v = o.if_contains("admin")) {
    c.admin_explicit = true;
    if (v->is_null() || (v->is_string() && v->get_string() == "off")) {
      c.admin.reset();
    } else {
      c.admin = listen_at(*v, "admin");
    }
  }
  apply_access(o, c);
  if (auto* v = o.if_contains("policy")) c.policy = policy_at(*v, c.policy.slow_start);
  apply_scalars(o, "", c);  // threads, and slow_start over the policy's
  if (auto* v = o.if_contains("outlier_detection")) apply_section(*v, "outlier_detection", c);
  if (auto* v = o.if_contains("name")) c.name = string_at(*v, "name");
  if (auto* v = o.if_contains("access_log")) c.access_log = string_at(*v, "access_log");
  apply_logging(o, c);
  if (auto* v = o.if_contains("admin_prefix")) {
    c.admin_prefix = string_at(*v, "admin_prefix");
    if (c.admin_prefix.size() < 2 || c.admin_prefix[0] != '/' || c.admin_prefix.back() == '/') {
      fail("admin_prefix", "expected a path such as \"/_conv\"");
    }
  }
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && a.is_loopback();
}

const char* to_string(RequestIdMode m) {
  switch (m) {
    case RequestIdMode::keep:
      return "keep";
    case RequestIdMode::trusted:
      return "trusted";
    case RequestIdMode::replace:
      return "replace";
  }
  return "?";
}

std::optional<RequestIdMode> parse_request_id_mode(std::string_view text) {
  for (auto m : {RequestIdMode::keep, RequestIdMode::trusted, RequestIdMode::replace}) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

const char* to_string(PolicyKind k) {
  switch (k) {
    case PolicyKind::round_robin:
      return "round_robin";
    case PolicyKind::least_conn:
      return "least_conn";
    case PolicyKind::random:
      return "random";
    case PolicyKind::hash:
      return "hash";
  }
  return "?";
}

std::string HashKey::text() const {
  switch (kind) {
    case header:
      return "header:" + name;
    case cookie:
      return "cookie:" + name;
    case client_address:
      break;
  }
  return "client_address";
}

std::optional<std::pair<std::size_t, std::size_t>> repeated_upstream(
    const std::vector<UpstreamConfig>& upstreams) {
  const auto same = [](const http::HostPort& a, const http::HostPort& b) {
    return a.port == b.port && boost::beast::iequals(a.host, b.host);
  };
  for (std::size_t i = 1; i < upstreams.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same(upstreams[i].address, upstreams[j].address)) return std::pair{i, j};
    }
  }
  return std::nullopt;
}

BalancerConfig default_config() {
  BalancerConfig c;
  c.server.port = 5000;
  c.server.max_body_bytes = 100ull * 1024 * 1024;
  return c;
}

namespace {

BalancerConfig apply_config(const json::value& root, BalancerConfig c) {
  if (!root.is_object()) throw ConfigError("expected a JSON object at the top level");
  const auto& o = root.get_object();
  reject_unknown(o, "", config_keys_in(""));
  apply_top_level(o, c);
  if (auto* v = o.if_contains("upstreams")) apply_upstreams(*v, c);
  if (auto* v = o.if_contains("timeouts")) apply_section(*v, "timeouts", c);
  if (auto* v = o.if_contains("retries")) {
    apply_section(*v, "retries", c);
    const auto& r = v->get_object();
    if (auto* x = r.if_contains("budget")) c.retry_budget.ratio = ratio_at(*x, "retries.budget");
  }
  if (auto* v = o.if_contains("health_check")) apply_health(*v, c);
  if (auto* v = o.if_contains("pool")) apply_section(*v, "pool", c);
  if (auto* v = o.if_contains("limits")) apply_section(*v, "limits", c);
  if (auto* v = o.if_contains("tls")) apply_tls(*v, c);
  return c;
}

}  // namespace

BalancerConfig parse_config(std::string_view text, BalancerConfig c) {
  return apply_config(util::parse_json_text_as<ConfigError>(text, ""), std::move(c));
}

void load_upstream_tls(BalancerConfig& config) {
  for (std::size_t i = 0; i < config.upstreams.size(); ++i) {
    auto& u = config.upstreams[i];
    if (!u.tls) continue;
    try {
      u.tls_context = std::make_shared<const tls::ClientContext>(*u.tls, u.address.host);
    } catch (const tls::TlsError& e) {
      fail("upstreams[" + std::to_string(i) + "].tls", e.what());
    }
  }
}

BalancerConfig load_config_file(const std::string& path, BalancerConfig base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const auto root = util::parse_json_text_as<ConfigError>(ss.str(), path + ":");  // "f:3:14: .."
  try {
    BalancerConfig c = apply_config(root, std::move(base));
    load_upstream_tls(c);
    return c;
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

}  // namespace conv::balancer
