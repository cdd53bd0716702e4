#include "conv/balancer/model/tls_config.hpp"

#include "conv/balancer/model/config_json.hpp"
#include "conv/balancer/model/config_schema.hpp"

namespace conv::balancer {

namespace {

using namespace config_json;  // NOLINT

constexpr std::string_view kSection = "tls";
constexpr std::uint64_t kMaxHsts = 2 * 365 * 86400;  // two years, as HSTS preload lists ask

tls::CertificateFiles certificate_at(const json::value& v, const std::string& field) {
  const auto& o = object_at(v, field);
  reject_unknown(o, field, {"cert", "key", "server_names"});
  tls::CertificateFiles out;
  const auto* cert = o.if_contains("cert");
  const auto* key = o.if_contains("key");
  if (!cert || !key) fail(field, "needs both \"cert\" and \"key\" (PEM files)");
  out.cert = string_at(*cert, field + ".cert");
  out.key = string_at(*key, field + ".key");
  if (const auto* names = o.if_contains("server_names")) {
    out.server_names = strings_at(*names, field + ".server_names", "host names");
  }
  return out;
}

std::uint16_t port_at(const json::value& v, const std::string& field) {
  return static_cast<std::uint16_t>(uint_at(v, field, 1, 65535));
}

void apply_protocol(const json::object& o, tls::ServerTlsOptions& t) {
  if (const auto* v = o.if_contains("min_version")) {
    t.min_version = string_at(*v, "tls.min_version");
    if (t.min_version != "1.2" && t.min_version != "1.3") {
      fail("tls.min_version", "expected \"1.2\" or \"1.3\"");
    }
  }
  if (const auto* v = o.if_contains("ciphers")) t.ciphers = string_at(*v, "tls.ciphers");
  if (const auto* v = o.if_contains("client_ca")) t.client_ca = string_at(*v, "tls.client_ca");
  if (const auto* v = o.if_contains("client_verify")) {
    const auto mode = string_at(*v, "tls.client_verify");
    if (mode != "required" && mode != "optional" && mode != "off") {
      fail("tls.client_verify", "expected \"required\", \"optional\" or \"off\"");
    }
    t.client_verify = mode == "required"   ? tls::ClientVerify::required
                      : mode == "optional" ? tls::ClientVerify::optional
                                           : tls::ClientVerify::off;
  } else if (!t.client_ca.empty()) {
    t.client_verify = tls::ClientVerify::required;
  }
  if (t.client_verify != tls::ClientVerify::off && t.client_ca.empty()) {
    fail("tls.client_verify", "needs tls.client_ca (the CA client certificates chain to)");
  }
}

std::chrono::seconds whole_seconds(const json::value& v, const std::string& field) {
  return std::chrono::duration_cast<std::chrono::seconds>(seconds_at(v, field, true));
}

}  // namespace

void apply_tls(const json::value& v, BalancerConfig& c) {
  const std::string where(kSection);
  const auto& o = object_at(v, where);
  reject_unknown(o, where, config_keys_in(kSection));
  tls::EdgeOptions& e = c.tls;
  const auto* certs = o.if_contains("certificates");
  if (!certs || !certs->is_array() || certs->get_array().empty()) {
    fail("tls.certificates", "expected at least one {\"cert\": FILE, \"key\": FILE}");
  }
  e.tls.certificates.clear();
  for (std::size_t i = 0; i < certs->get_array().size(); ++i) {
    e.tls.certificates.push_back(
        certificate_at(certs->get_array()[i], "tls.certificates[" + std::to_string(i) + "]"));
  }
  if (const auto* p = o.if_contains("port")) e.port = port_at(*p, "tls.port");
  if (const auto* p = o.if_contains("redirect_port")) {
    e.redirect_port = port_at(*p, "tls.redirect_port");
  }
  apply_protocol(o, e.tls);
  if (const auto* x = o.if_contains("hsts_max_age")) {
    e.tls.hsts_max_age = std::chrono::seconds(uint_at(*x, "tls.hsts_max_age", 0, kMaxHsts));
  }
  if (const auto* x = o.if_contains("ticket_key_rotation")) {
    e.tls.ticket_key_rotation = whole_seconds(*x, "tls.ticket_key_rotation");
  }
  if (const auto* x = o.if_contains("session_cache_size")) {
    e.tls.session_cache_size = uint_at(*x, "tls.session_cache_size", 0, 1'000'000);
  }
}

}  // namespace conv::balancer
