#include "conv/tls/certificate.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_certs.hpp"

namespace conv::tls {
namespace {

using conv::testing::TestCerts;
using std::chrono::system_clock;

std::string error_of(const std::string& cert, const std::string& key) {
  const auto& c = TestCerts::get();
  try {
    check_certificate_pair(c.path(cert), c.path(key), system_clock::now());
  } catch (const TlsError& e) {
    return e.what();
  }
  return "";
}

TEST(CertificateTest, AMatchingPairIsReadWithItsNamesAndDates) {
  const auto& c = TestCerts::get();
  const auto info =
      check_certificate_pair(c.path("server.pem"), c.path("server.key"), system_clock::now());
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
  EXPECT_THROW(check_certificate_pair(c.path("expired.pem"), c.path("expired.key"),
                                      system_clock::from_time_t(1'500'000'000)),
               TlsError);
}

}  // namespace
}  // namespace conv::tls
