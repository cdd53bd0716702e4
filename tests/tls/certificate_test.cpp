#include "conv/tls/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "support/test_certs.hpp"

namespace conv::tls {
namespace {

using conv::testing::TestCerts;
using std::chrono::system_clock;

std::string error_of(const std::string& cert, const std::string& key) {
  const auto& c = TestCerts::get();
  try {
    (void)CertificatePair::load(c.path(cert), c.path(key), system_clock::now());
  } catch (const TlsError& e) {
    return e.what();
  }
  return "";
}

TEST(CertificateTest, AMatchingPairIsReadWithItsNamesAndDates) {
  const auto& c = TestCerts::get();
  const auto info =
      CertificatePair::load(c.path("server.pem"), c.path("server.key"), system_clock::now()).info();
  EXPECT_EQ(info.subject, "CN=server");
  EXPECT_NE(std::find(info.names.begin(), info.names.end(), "a.test"), info.names.end());
  EXPECT_NE(std::find(info.names.begin(), info.names.end(), "localhost"), info.names.end());
  // The script signs it for 365 days.
  EXPECT_GT(info.seconds_left(system_clock::now()), 364LL * 86400);
  EXPECT_LE(info.seconds_left(system_clock::now()), 366LL * 86400);
}

TEST(CertificateTest, AKeyOfAnotherCertificateIsRefused) {
  EXPECT_NE(error_of("server.pem", "wrong.key").find("does not match certificate"),
            std::string::npos);
}

TEST(CertificateTest, AnExpiredCertificateIsRefusedWithItsDate) {
  EXPECT_NE(error_of("expired.pem", "expired.key").find("expired on 2020-01-02T00:00:00Z"),
            std::string::npos);
}

TEST(CertificateTest, AMissingFileIsNamed) {
  const std::string e = error_of("absent.pem", "server.key");
  EXPECT_NE(e.find("absent.pem: cannot read"), std::string::npos) << e;
}

TEST(CertificateTest, AKeyFileIsNotACertificate) {
  EXPECT_NE(error_of("server.key", "server.key").find("not a PEM certificate"), std::string::npos);
}

TEST(CertificateTest, NotValidYetIsRefused) {
  const auto& c = TestCerts::get();
  EXPECT_THROW((void)CertificatePair::load(c.path("expired.pem"), c.path("expired.key"),
                                           system_clock::from_time_t(1'500'000'000)),
               TlsError);
}

// The names of a certificate's subject, "CN=..." as CertificateInfo gives it.
std::string subject(X509* cert) {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

using ContextPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
ContextPtr new_context() {
  return {SSL_CTX_new(TLS_server_method()), SSL_CTX_free};
}

// A chain file in the test directory: server.pem followed by `more` (PEM text).
std::string server_chain(const std::string& name, const std::string& more) {
  const auto& c = TestCerts::get();
  const auto path = c.dir() / name;
  std::ifstream in(c.path("server.pem"));
  std::ofstream(path) << in.rdbuf() << more;
  return path.string();
}

TEST(CertificateTest, WhatIsInstalledIsWhatWasCheckedEvenIfTheFilesChangeInBetween) {
  const auto& c = TestCerts::get();
  namespace fs = std::filesystem;
  const fs::path dir = c.dir() / "replaced";
  fs::create_directories(dir);
  fs::copy_file(c.path("server.pem"), dir / "cert.pem", fs::copy_options::overwrite_existing);
  fs::copy_file(c.path("server.key"), dir / "key.pem", fs::copy_options::overwrite_existing);
  const auto pair = CertificatePair::load((dir / "cert.pem").string(), (dir / "key.pem").string(),
                                          system_clock::now());
  // A renewal writes the certificate, then the key: a load reading the files again now would
  // install other's certificate with server's key.
  fs::copy_file(c.path("other.pem"), dir / "cert.pem", fs::copy_options::overwrite_existing);
  const auto ctx = new_context();
  pair.install(ctx.get());
  EXPECT_EQ(subject(SSL_CTX_get0_certificate(ctx.get())), "/CN=server");
  EXPECT_EQ(SSL_CTX_check_private_key(ctx.get()), 1);
}

TEST(CertificateTest, AChainFileInstallsItsIntermediates) {
  const auto& c = TestCerts::get();
  std::ifstream ca(c.path("ca.pem"));
  const std::string chain =
      server_chain("chain.pem", std::string(std::istreambuf_iterator(ca), {}));
  const auto pair = CertificatePair::load(chain, c.path("server.key"), system_clock::now());
  EXPECT_EQ(pair.info().subject, "CN=server");
  const auto ctx = new_context();
  pair.install(ctx.get());
  STACK_OF(X509)* extra = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(ctx.get(), &extra), 1);
  ASSERT_NE(extra, nullptr);
  ASSERT_EQ(sk_X509_num(extra), 1);
  EXPECT_EQ(subject(sk_X509_value(extra, 0)), "/CN=conv test ca");
}

TEST(CertificateTest, AMalformedChainCertificateIsRefused) {
  const auto& c = TestCerts::get();
  const std::string chain =
      server_chain("bad-chain.pem",
                   "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
  try {
    (void)CertificatePair::load(chain, c.path("server.key"), system_clock::now());
    FAIL() << "a chain with a broken certificate was accepted";
  } catch (const TlsError& e) {
    EXPECT_NE(std::string(e.what()).find("a chain certificate cannot be read"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace conv::tls
