#include "conv/tls/certificate.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

namespace conv::tls {

namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

BioPtr open_file(const std::string& file, const char* what) {
  BioPtr bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    throw TlsError(std::string(what) + " " + file + ": cannot read (" + std::strerror(errno) + ")");
  }
  return bio;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  ASN1_TIME_to_tm(t, &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string subject_of(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::vector<std::string> dns_names(X509* cert) {
  std::vector<std::string> out;
  NamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const auto* s = name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

// The first certificate of a chain file (with its trust settings, as OpenSSL's own
// SSL_CTX_use_certificate_chain_file reads it).
std::shared_ptr<X509> read_leaf(BIO* bio, const std::string& file) {
  std::shared_ptr<X509> cert(PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    throw TlsError("certificate " + file + ": not a PEM certificate (" +
                   openssl_error("no certificate found") + ")");
  }
  return cert;
}

// The certificates after the first, up to the end of the file.
std::vector<std::shared_ptr<X509>> read_chain(BIO* bio, const std::string& file) {
  std::vector<std::shared_ptr<X509>> chain;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    chain.emplace_back(cert, X509_free);
  }
  const unsigned long err = ERR_peek_last_error();
  if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
    ERR_clear_error();  // the end of the file
    return chain;
  }
  throw TlsError("certificate " + file + ": a chain certificate cannot be read (" +
                 openssl_error("malformed") + ")");
}

void check_validity(const CertificateInfo& info, std::chrono::system_clock::time_point now) {
  if (now >= info.not_after) {
    throw TlsError("certificate " + info.file + " expired on " + utc_text(info.not_after));
  }
  // A certificate made a moment ago on a host whose clock runs a little ahead is not refused.
  constexpr auto kClockSkew = std::chrono::minutes(5);
  if (now + kClockSkew < info.not_before) {
    throw TlsError("certificate " + info.file + " is not valid before " +
                   utc_text(info.not_before));
  }
}

}  // namespace

std::string utc_text(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

long long CertificateInfo::seconds_left(std::chrono::system_clock::time_point now) const {
  return std::chrono::duration_cast<std::chrono::seconds>(not_after - now).count();
}

std::string openssl_error(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fallback;
}

CertificatePair CertificatePair::load(const std::string& cert_file, const std::string& key_file,
                                      std::chrono::system_clock::time_point now) {
  CertificatePair pair;
  auto cert_bio = open_file(cert_file, "certificate");
  pair.leaf_ = read_leaf(cert_bio.get(), cert_file);
  pair.chain_ = read_chain(cert_bio.get(), cert_file);
  auto key_bio = open_file(key_file, "key");
  pair.key_.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!pair.key_) {
    throw TlsError("key " + key_file + ": not a PEM private key, or one with a passphrase (" +
                   openssl_error("no key found") + ")");
  }
  X509* cert = pair.leaf_.get();
  if (X509_check_private_key(cert, pair.key_.get()) != 1) {
    ERR_clear_error();
    throw TlsError("key " + key_file + " does not match certificate " + cert_file);
  }
  pair.info_ = {cert_file, subject_of(cert), dns_names(cert),
                to_time_point(X509_get0_notBefore(cert)), to_time_point(X509_get0_notAfter(cert))};
  check_validity(pair.info_, now);
  return pair;
}

void CertificatePair::install(SSL_CTX* ctx) const {
  bool ok = SSL_CTX_use_certificate(ctx, leaf_.get()) == 1 && SSL_CTX_clear_chain_certs(ctx) == 1;
  for (const auto& cert : chain_) ok = ok && SSL_CTX_add1_chain_cert(ctx, cert.get()) == 1;
  ok = ok && SSL_CTX_use_PrivateKey(ctx, key_.get()) == 1;
  if (!ok) throw TlsError("certificate " + info_.file + ": " + openssl_error("cannot be used"));
}

}  // namespace conv::tls
