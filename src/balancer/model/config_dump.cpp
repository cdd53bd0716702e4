#include "conv/balancer/model/config_dump.hpp"

#include <boost/json/array.hpp>
#include <stdexcept>
#include <string_view>

#include "conv/balancer/model/config_json.hpp"
#include "conv/balancer/model/config_schema.hpp"
#include "conv/log/logger.hpp"
#include "conv/util/pretty_json.hpp"

namespace conv::balancer {

namespace {

namespace json = boost::json;
using config_json::duration_text;
using B = BalancerConfig;

json::value text(const std::string& s) {
  return json::string_view(s.data(), s.size());
}

json::value address_or_off(const std::optional<HostPort>& a) {
  return a ? json::value(a->text()) : json::value("off");
}

json::value strings(const auto& items, auto text) {
  json::array a;
  for (const auto& x : items) a.emplace_back(text(x));
  return a;
}

json::value upstream_tls(const tls::ClientSettings& s) {
  json::object o;
  o["verify"] = s.verify;
  if (!s.ca_file.empty()) o["ca"] = s.ca_file;
  if (!s.server_name.empty()) o["server_name"] = s.server_name;
  if (!s.client_cert.empty()) o["client_cert"] = s.client_cert;
  if (!s.client_key.empty()) o["client_key"] = s.client_key;
  return o;
}

json::value upstream(const UpstreamConfig& u) {
  json::object o;
  o["address"] = u.address.text();
  o["weight"] = u.weight;
  o["max_fails"] = u.max_fails;
  o["fail_timeout"] = duration_text(u.fail_timeout);
  o["max_conns"] = u.max_conns;
  o["resolve"] = u.resolve_all ? "all" : "first";
  if (u.resolve_all) o["max_addresses"] = u.max_addresses;
  if (u.tls) o["tls"] = upstream_tls(*u.tls);
  return o;
}

json::value policy(const PolicyConfig& p) {
  if (p.kind != PolicyKind::hash) return json::value(to_string(p.kind));
  return json::object{{"name", "hash"}, {"key", p.key.text()}};
}

json::value certificates(const tls::ServerTlsOptions& t) {
  json::array a;
  for (const auto& f : t.certificates) {
    json::object o{{"cert", f.cert}, {"key", f.key}};
    if (!f.server_names.empty()) {
      o["server_names"] = strings(f.server_names, [](const auto& n) { return n; });
    }
    a.push_back(std::move(o));
  }
  return a;
}

const char* to_string(tls::ClientVerify v) {
  switch (v) {
    case tls::ClientVerify::required:
      return "required";
    case tls::ClientVerify::optional:
      return "optional";
    case tls::ClientVerify::off:
      break;
  }
  return "off";
}

// What a setting that is not a count or a duration held in BalancerConfig is written as;
// null: the key is left out (an optional setting that is not set; none is written as null).
using Writer = json::value (*)(const B&);
struct Written {
  std::string_view path;
  Writer write;
};

// clang-format off
constexpr Written kWriters[] = {
    {"listen", [](const B& c) -> json::value {
       return text(HostPort{c.server.host, c.server.port}.text()); }},
    {"name", [](const B& c) -> json::value { return text(c.name); }},
    {"access_log", [](const B& c) -> json::value { return text(c.access_log); }},
    {"log_level", [](const B& c) -> json::value { return log::to_string(c.logging.level); }},
    {"log_format", [](const B& c) -> json::value { return log::to_string(c.logging.format); }},
    {"upstreams", [](const B& c) -> json::value {
       if (c.upstreams.empty()) return nullptr;  // a file must list one
       return strings(c.upstreams, upstream); }},
    {"retries.budget", [](const B& c) -> json::value {
       return c.retry_budget.ratio; }},
    {"health_check", [](const B&) -> json::value { return json::object(); }},
    {"health_check.enabled", [](const B& c) -> json::value {
       return c.health.enabled; }},
    {"health_check.path", [](const B& c) -> json::value { return text(c.health.path); }},
    {"admin_prefix", [](const B& c) -> json::value { return text(c.admin_prefix); }},
    {"admin", [](const B& c) -> json::value { return address_or_off(c.admin); }},
    {"policy", [](const B& c) -> json::value { return policy(c.policy); }},
    {"admin_hosts", [](const B& c) -> json::value {
       return strings(c.admin_hosts, [](const auto& h) { return h; }); }},
    {"admin_token_file", [](const B& c) -> json::value {
       if (c.admin_token_file.empty()) return nullptr;
       return text(c.admin_token_file); }},
    {"metrics", [](const B& c) -> json::value {
       return address_or_off(c.metrics); }},
    {"public_metrics", [](const B& c) -> json::value { return c.public_metrics; }},
    {"trusted_proxies", [](const B& c) -> json::value {
       return strings(c.trusted_proxies, [](const Cidr& b) { return b.text(); }); }},
    {"request_id", [](const B& c) -> json::value { return to_string(c.request_id); }},
    {"tls.certificates", [](const B& c) -> json::value {
       return certificates(c.tls.tls); }},
    {"tls.port", [](const B& c) -> json::value {
       if (c.tls.port == 0) return nullptr;
       return c.tls.port; }},
    {"tls.redirect_port", [](const B& c) -> json::value {
       if (c.tls.redirect_port == 0) return nullptr;
       return c.tls.redirect_port; }},
    {"tls.min_version", [](const B& c) -> json::value {
       return text(c.tls.tls.min_version); }},
    {"tls.ciphers", [](const B& c) -> json::value { return text(c.tls.tls.ciphers); }},
    {"tls.client_ca", [](const B& c) -> json::value {
       if (c.tls.tls.client_ca.empty()) return nullptr;
       return text(c.tls.tls.client_ca); }},
    {"tls.client_verify", [](const B& c) -> json::value {
       return to_string(c.tls.tls.client_verify); }},
    {"tls.hsts_max_age", [](const B& c) -> json::value {
       return c.tls.tls.hsts_max_age.count(); }},
    {"tls.ticket_key_rotation", [](const B& c) -> json::value {
       return text(duration_text(c.tls.tls.ticket_key_rotation)); }},
    {"tls.session_cache_size", [](const B& c) -> json::value {
       return c.tls.tls.session_cache_size; }},
};
// clang-format on

Writer writer_of(std::string_view path) {
  for (const auto& w : kWriters) {
    if (w.path == path) return w.write;
  }
  throw std::logic_error("config_dump: no writer for " + std::string(path));
}

// Whether an earlier row reads the same value (retries.timeout is timeouts.retry).
bool alias(std::span<const ConfigKey> keys, const ConfigKey& k) {
  if (k.get_value == nullptr) return false;
  for (const auto& earlier : keys) {
    if (&earlier == &k) return false;
    if (earlier.get_value == k.get_value) return true;
  }
  return false;
}

json::value value_of(const ConfigKey& k, const B& c) {
  if (!k.has_value()) return writer_of(k.path())(c);
  const std::uint64_t v = k.get(c);
  if (k.kind == ConfigKey::Kind::seconds) return text(duration_text(std::chrono::milliseconds(v)));
  return v;
}

json::object& section_of(json::object& root, std::string_view section) {
  if (section.empty()) return root;
  json::value& s = root[section];
  if (!s.is_object()) s.emplace_object();
  return s.get_object();
}

}  // namespace

json::object dump_config(const BalancerConfig& c) {
  json::object root;
  const auto keys = config_keys();
  for (const auto& k : keys) {
    // A flag-only setting has no key; an upstream's are written with it.
    if (k.key.empty() || k.section.find("[]") != std::string_view::npos || alias(keys, k)) continue;
    if (k.section == "tls" && !c.tls.enabled()) continue;
    auto v = value_of(k, c);
    if (v.is_null()) continue;
    section_of(root, k.section)[k.key] = std::move(v);
  }
  return root;
}

std::string dump_config_text(const BalancerConfig& c) {
  return util::pretty_json(dump_config(c));
}

}  // namespace conv::balancer
