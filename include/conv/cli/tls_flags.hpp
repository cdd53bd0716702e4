#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conv/tls/server_options.hpp"

namespace conv::cli {

// The TLS flags both serving roles share: --tls-cert/--tls-key (repeat the pair for more
// certificates: the first is the default, SNI picks the others by their names), --tls-port,
// --tls-redirect-port, --tls-min-version, --tls-ciphers, --tls-client-ca, --tls-client-verify,
// --hsts.
class TlsFlags {
 public:
  void add_to(CLI::App& cmd);
  // After parsing: sets in `out` what the flags given say (a config file's values stand
  // otherwise), then checks the result; returns what is wrong, if anything.
  std::optional<std::string> apply(tls::EdgeOptions& out) const;

 private:
  bool given(const char* flag) const { return cmd_ && cmd_->count(flag) > 0; }

  CLI::App* cmd_ = nullptr;
  std::vector<std::string> certs_;
  std::vector<std::string> keys_;
  std::uint16_t port_ = 0;
  std::uint16_t redirect_port_ = 0;
  std::string min_version_ = "1.2";
  std::string ciphers_{tls::kIntermediateCiphers};
  std::string client_ca_;
  std::string client_verify_;
  double hsts_ = 0;
};

// What --check says of the TLS settings: "2 certificate(s)", or "off".
std::string tls_summary(const tls::EdgeOptions& tls);

}  // namespace conv::cli
