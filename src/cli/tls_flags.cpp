#include "conv/cli/tls_flags.hpp"

#include <cmath>

namespace conv::cli {

void TlsFlags::add_to(CLI::App& cmd) {
  cmd_ = &cmd;
  const char* group = "TLS";
  cmd.add_option("--tls-cert", certs_,
                 "Serve HTTPS with this certificate (PEM chain); repeat with --tls-key for more "
                 "certificates, chosen by SNI (the first is the default)")
      ->group(group);
  cmd.add_option("--tls-key", keys_, "The key of each --tls-cert (PEM, no passphrase)")
      ->group(group);
  cmd.add_option("--tls-port", port_,
                 "Serve HTTPS on this port beside the plain --port (default: --port itself "
                 "speaks TLS)")
      ->check(CLI::Range(1, 65535))
      ->group(group);
  cmd.add_option("--tls-redirect-port", redirect_port_,
                 "Also listen on this port for plain HTTP, answering 308 to https://")
      ->check(CLI::Range(1, 65535))
      ->group(group);
  cmd.add_option("--tls-min-version", min_version_, "Oldest TLS version accepted")
      ->capture_default_str()
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->group(group);
  cmd.add_option("--tls-ciphers", ciphers_,
                 "TLS 1.2 cipher list (OpenSSL syntax; default: Mozilla's intermediate profile)")
      ->group(group);
  cmd.add_option("--tls-client-ca", client_ca_,
                 "Ask clients for a certificate from this CA (mTLS); see --tls-client-verify")
      ->group(group);
  cmd.add_option("--tls-client-verify", client_verify_,
                 "required (default with --tls-client-ca) or optional")
      ->check(CLI::IsMember({"required", "optional"}))
      ->group(group);
  cmd.add_option("--hsts", hsts_,
                 "Send Strict-Transport-Security with this max-age (seconds) over TLS; 0: off")
      ->check(CLI::Range(0.0, 2.0 * 365 * 86400))
      ->group(group);
}

std::optional<std::string> TlsFlags::apply(tls::EdgeOptions& out) const {
  if (certs_.size() != keys_.size()) {
    return "--tls-cert and --tls-key: give one key for each certificate";
  }
  auto& o = out.tls;
  if (!certs_.empty()) {
    o.certificates.clear();
    for (std::size_t i = 0; i < certs_.size(); ++i) {
      o.certificates.push_back({certs_[i], keys_[i], {}});
    }
  }
  if (given("--tls-min-version")) o.min_version = min_version_;
  if (given("--tls-ciphers")) o.ciphers = ciphers_;
  if (given("--tls-client-ca")) {
    o.client_ca = client_ca_;
    if (o.client_verify == tls::ClientVerify::off) o.client_verify = tls::ClientVerify::required;
  }
  if (given("--tls-client-verify")) {
    o.client_verify =
        client_verify_ == "optional" ? tls::ClientVerify::optional : tls::ClientVerify::required;
  }
  if (given("--hsts")) o.hsts_max_age = std::chrono::seconds(std::llround(hsts_));
  if (given("--tls-port")) out.port = port_;
  if (given("--tls-redirect-port")) out.redirect_port = redirect_port_;
  if (!out.enabled() && (out.port != 0 || out.redirect_port != 0 || !o.client_ca.empty() ||
                         o.hsts_max_age.count() > 0)) {
    return "TLS settings given without a certificate (--tls-cert and --tls-key)";
  }
  if (o.client_verify != tls::ClientVerify::off && o.client_ca.empty()) {
    return "--tls-client-verify needs --tls-client-ca";
  }
  return std::nullopt;
}

std::string tls_summary(const tls::EdgeOptions& tls) {
  return tls.enabled() ? std::to_string(tls.tls.certificates.size()) + " certificate(s)" : "off";
}

}  // namespace conv::cli
