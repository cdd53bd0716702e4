#pragma once

#include <chrono>
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

// Reads the first certificate of a PEM chain file and checks it against `key_file` and `now`;
// throws TlsError naming the file and the reason (missing, not PEM, key mismatch, expired,
// not yet valid, allowing 5 minutes of clock skew).
CertificateInfo check_certificate_pair(const std::string& cert_file, const std::string& key_file,
                                       std::chrono::system_clock::time_point now);

// "2027-12-01T23:30:43Z".
std::string utc_text(std::chrono::system_clock::time_point t);

// The reason OpenSSL's last error gives (and clears its queue), or `fallback` when it has none.
std::string openssl_error(const std::string& fallback);

}  // namespace conv::tls
