#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace conv::tls {

// A certificate or key that cannot be used: a missing or unreadable file, a key that does not
// match its certificate, a certificate outside its validity. The message names the file.
class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a loaded certificate says about itself.
struct CertificateInfo {
  std::string file;
  std::string subject;             // "CN=localhost"
  std::vector<std::string> names;  // its DNS subject alternative names
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  // Seconds until not_after (negative once expired).
  long long seconds_left(std::chrono::system_clock::time_point now) const;
};

// A certificate chain and its key, each file read once and checked: what a context installs is
// what was checked, even if a file is replaced in between (a renewal during a reload).
class CertificatePair {
 public:
  // Reads a PEM chain file (the certificate, then any intermediates) and its key, and checks
  // them against `now`; throws TlsError naming the file and the reason (missing, not PEM, key
  // mismatch, expired, not yet valid, allowing 5 minutes of clock skew).
  static CertificatePair load(const std::string& cert_file, const std::string& key_file,
                              std::chrono::system_clock::time_point now);

  const CertificateInfo& info() const { return info_; }
  // Makes `ctx` present this chain and key; throws TlsError if OpenSSL refuses them.
  void install(SSL_CTX* ctx) const;

 private:
  using CertPtr = std::shared_ptr<X509>;
  CertificatePair() = default;

  CertPtr leaf_;
  std::vector<CertPtr> chain_;
  std::shared_ptr<EVP_PKEY> key_;
  CertificateInfo info_;
};

// "2027-12-01T23:30:43Z".
std::string utc_text(std::chrono::system_clock::time_point t);

// The reason OpenSSL's last error gives (and clears its queue), or `fallback` when it has none.
std::string openssl_error(const std::string& fallback);

}  // namespace conv::tls
