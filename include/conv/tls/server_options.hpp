#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace conv::tls {

// Mozilla's "intermediate" configuration (https://ssl-config.mozilla.org, guideline 5.7): the
// TLS 1.2 cipher list. TLS 1.3's suites are OpenSSL's defaults, which are that profile's.
inline constexpr std::string_view kIntermediateCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
// ...and its key-exchange groups.
inline constexpr std::string_view kIntermediateGroups = "X25519:P-256:P-384";

// One certificate a TLS listener serves, with the names (SNI) it answers for; no names: the
// DNS names in the certificate itself.
struct CertificateFiles {
  std::string cert;  // PEM: the certificate, then any intermediates
  std::string key;   // PEM, without a passphrase
  std::vector<std::string> server_names;
};

enum class ClientVerify {
  off,       // no client certificate asked for
  optional,  // asked for, verified if sent
  required,  // a connection without a valid one fails its handshake
};

// TLS termination on a listener. No certificate: the listener speaks plain HTTP.
struct ServerTlsOptions {
  // The first is the default, served when SNI names none of the others (or is absent).
  std::vector<CertificateFiles> certificates;
  std::string min_version = "1.2";  // "1.2" or "1.3"
  std::string ciphers{kIntermediateCiphers};
  std::string client_ca;  // mTLS: the CA file client certificates must chain to
  ClientVerify client_verify = ClientVerify::off;
  // Session tickets, with keys made at start and replaced every `ticket_key_rotation`; the
  // previous key is still accepted, so a ticket lives at most twice that. 0: no tickets.
  std::chrono::seconds ticket_key_rotation{3600};
  // The server-side session cache (TLS 1.2 clients without tickets), in sessions; 0: off.
  std::size_t session_cache_size = 20480;
  // Strict-Transport-Security: max-age=N on every response over TLS; 0: not sent.
  std::chrono::seconds hsts_max_age{0};

  bool enabled() const { return !certificates.empty(); }
};

// Where a role serves TLS: its main port, or an HTTPS port of its own beside the plain one,
// and an optional plain-HTTP listener that redirects to HTTPS.
struct EdgeOptions {
  ServerTlsOptions tls;
  std::uint16_t port = 0;           // 0: the main port speaks TLS
  std::uint16_t redirect_port = 0;  // 0: no redirecting listener
  bool enabled() const { return tls.enabled(); }
};

}  // namespace conv::tls
