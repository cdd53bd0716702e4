#include "conv/tls/client_context.hpp"

#include <gtest/gtest.h>

#include "support/test_certs.hpp"

namespace conv::tls {
namespace {

using conv::testing::TestCerts;

std::string error_of(const ClientSettings& s) {
  try {
    ClientContext c(s, "localhost");
  } catch (const TlsError& e) {
    return e.what();
  }
  return "";
}

std::string cert(const std::string& name) {
  return TestCerts::get().path(name);
}

TEST(ClientContextTest, DefaultsVerifyTheServerWithTls12AtLeastAndOfferHttp11) {
  ClientContext c({.ca_file = cert("ca.pem")}, "api.test");
  SSL_CTX* ctx = c.native().native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_EQ(c.server_name(), "api.test");  // the host connected to
}

TEST(ClientContextTest, ANewStreamSendsTheNameAndVerifiesIt) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  ClientContext named({.ca_file = cert("ca.pem"), .server_name = "a.test"}, "10.0.0.1");
  auto s = named.stream(socket);
  EXPECT_STREQ(SSL_get_servername(s->native_handle(), TLSEXT_NAMETYPE_host_name), "a.test");
  EXPECT_STREQ(SSL_get0_peername(s->native_handle()), nullptr);  // set after the handshake
  EXPECT_STREQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(s->native_handle()), 0), "a.test");
  // An IP address is verified as one, and never sent as SNI.
  ClientContext ip({.ca_file = cert("ca.pem")}, "127.0.0.1");
  auto t = ip.stream(socket);
  EXPECT_EQ(SSL_get_servername(t->native_handle(), TLSEXT_NAMETYPE_host_name), nullptr);
  EXPECT_EQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(t->native_handle()), 0), nullptr);
}

TEST(ClientContextTest, WithoutVerificationNothingIsChecked) {
  ClientContext c({.verify = false}, "localhost");
  EXPECT_EQ(SSL_CTX_get_verify_mode(c.native().native_handle()), SSL_VERIFY_NONE);
}

TEST(ClientContextTest, BadFilesAreClearErrorsNamingThem) {
  EXPECT_EQ(error_of({.ca_file = "/nonexistent/ca.pem"}),
            "ca /nonexistent/ca.pem: cannot read (No such file or directory)");
  // A file that holds no certificate.
  EXPECT_NE(error_of({.ca_file = cert("ca.key")}).find("ca " + cert("ca.key") + ": "),
            std::string::npos);
  EXPECT_EQ(error_of({.client_cert = cert("client.pem")}),
            "client_cert " + cert("client.pem") + " needs a client_key");
  EXPECT_EQ(error_of({.client_key = cert("client.key")}),
            "client_key " + cert("client.key") + " needs a client_cert");
  const std::string mismatch =
      error_of({.client_cert = cert("client.pem"), .client_key = cert("wrong.key")});
  EXPECT_NE(mismatch.find(cert("wrong.key")), std::string::npos) << mismatch;
  EXPECT_NE(error_of({.client_cert = cert("expired.pem"), .client_key = cert("expired.key")})
                .find("expired"),
            std::string::npos);
  EXPECT_EQ(error_of({.client_cert = cert("client.pem"), .client_key = cert("client.key")}), "");
}

}  // namespace
}  // namespace conv::tls
