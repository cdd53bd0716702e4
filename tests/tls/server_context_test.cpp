#include "conv/tls/server_context.hpp"

#include <gtest/gtest.h>

#include "conv/tls/ticket_keys.hpp"
#include "support/test_certs.hpp"

namespace conv::tls {
namespace {

using conv::testing::TestCerts;
using std::chrono::system_clock;

ServerTlsOptions two_certificates() {
  const auto& c = TestCerts::get();
  ServerTlsOptions o;
  o.certificates = {{c.path("server.pem"), c.path("server.key"), {}},
                    {c.path("other.pem"), c.path("other.key"), {"*.other.test", "B.Example"}}};
  return o;
}

std::string build_error(const ServerTlsOptions& o) {
  try {
    ServerContext::build(o, nullptr, system_clock::now());
  } catch (const TlsError& e) {
    return e.what();
  }
  return "";
}

TEST(ServerContext, NamesPickTheirCertificateAndTheFirstIsTheDefault) {
  const auto ctx = ServerContext::build(two_certificates(), nullptr, system_clock::now());
  EXPECT_EQ(ctx->certificate_for("localhost").subject, "CN=server");
  EXPECT_EQ(ctx->certificate_for("a.test").subject, "CN=server");       // its own SAN
  EXPECT_EQ(ctx->certificate_for("b.example").subject, "CN=other");     // names ignore case
  EXPECT_EQ(ctx->certificate_for("x.other.test").subject, "CN=other");  // one label only
  EXPECT_EQ(ctx->certificate_for("x.y.other.test").subject, "CN=server");
  EXPECT_EQ(ctx->certificate_for("other.test").subject, "CN=server");
  EXPECT_EQ(ctx->certificate_for("b.test").subject, "CN=server");  // names given replace SANs
  EXPECT_EQ(ctx->certificates().size(), 2u);
}

TEST(ServerContext, EachBadSettingIsAnErrorThatSaysWhich) {
  auto o = two_certificates();
  o.certificates[1].key = TestCerts::get().path("wrong.key");
  EXPECT_NE(build_error(o).find("does not match"), std::string::npos);
  o = two_certificates();
  o.min_version = "1.1";
  EXPECT_NE(build_error(o).find("min_version"), std::string::npos);
  o = two_certificates();
  o.ciphers = "NOT-A-CIPHER";
  EXPECT_NE(build_error(o).find("ciphers"), std::string::npos);
  o = two_certificates();
  o.client_verify = ClientVerify::required;
  EXPECT_NE(build_error(o).find("client_ca"), std::string::npos);
  o.client_ca = "/nonexistent/ca.pem";
  EXPECT_NE(build_error(o).find("/nonexistent/ca.pem"), std::string::npos);
  EXPECT_NE(build_error(ServerTlsOptions{}).find("no certificate"), std::string::npos);
}

TEST(TicketKeys, RotationKeepsThePreviousKeyAndMakesANewOne) {
  const auto t0 = TicketKeys::Clock::now();
  TicketKeys keys(std::chrono::seconds(3600), t0);
  const TicketKeys::Ring first = *keys.ring();  // copies: ring() is valid until the next call
  keys.rotate_if_due(t0 + std::chrono::seconds(3599));
  EXPECT_EQ(keys.ring()->current.name, first.current.name);
  keys.rotate_if_due(t0 + std::chrono::seconds(3600));
  const TicketKeys::Ring second = *keys.ring();
  EXPECT_EQ(second.previous.name, first.current.name);
  EXPECT_NE(second.current.name, first.current.name);
  EXPECT_EQ(keys.rotations(), 1u);
}

TEST(TicketKeys, NoRotationWhenTicketsAreOff) {
  const auto t0 = TicketKeys::Clock::now();
  TicketKeys keys(std::chrono::seconds(0), t0);
  const TicketKeys::Ring first = *keys.ring();
  keys.rotate_if_due(t0 + std::chrono::hours(1000));
  EXPECT_EQ(keys.ring()->current.name, first.current.name);
  EXPECT_EQ(keys.rotations(), 0u);
}

}  // namespace
}  // namespace conv::tls
