// The balancer's upstream connections over TLS ("tls" in an upstream's config), through the
// real proxy, to a small TLS server on loopback (tests/support/tls_upstream.hpp) with the
// test certificates (tests/support/make_test_certs.sh).
#include <gtest/gtest.h>

#include <functional>

#include "../../support/test_certs.hpp"
#include "../../support/tls_upstream.hpp"
#include "proxy_fixture.hpp"
#include "support/eventually.hpp"

namespace conv::balancer {
namespace {

using conv::testing::TestCerts;
using conv::testing::TlsUpstream;
using conv::testing::TlsUpstreamOptions;
using namespace std::chrono_literals;

std::string cert(const std::string& name) {
  return TestCerts::get().path(name);
}

TlsUpstreamOptions serving(const std::string& name) {
  return {cert(name + ".pem"), cert(name + ".key"), "", false};
}

bool eventually(const std::function<bool()>& done) {
  return conv::testing::eventually(done, 5s);
}

class UpstreamTlsTest : public proxytest::BalancerTest {
 protected:
  void start_tls(std::uint16_t port, tls::ClientSettings settings) {
    BalancerConfig c = default_config();
    UpstreamConfig u = upstream(port);
    u.tls = std::move(settings);
    c.upstreams = {u};
    start_with(std::move(c));
  }
  Upstream& the_upstream() { return cluster_->upstreams()[0]; }
  // A counter of the upstream's, summed over the balancer's threads.
  std::uint64_t count(UpstreamCounters::Counter UpstreamCounters::*counter) {
    std::uint64_t n = 0;
    cluster_->pools().for_each([&](const ConnectionPool& p) {
      n += (p.counters(0).*counter).load(std::memory_order_relaxed);
    });
    return n;
  }

  // GET `target` through the balancer, expecting `status`; its body.
  std::string expect_status(unsigned status, const std::string& target = "/x") {
    const auto r = get(target);
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->result_int(), status) << r->body();
    return r->body();
  }

  // A refused handshake: 502 with the reason, the same reason logged, a failure for passive
  // health, and no request reached the upstream.
  void expect_refused(TlsUpstream& server, const std::string& reason) {
    ::testing::internal::CaptureStderr();
    const std::string body = expect_status(502);
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(body.find(reason), std::string::npos) << body;
    // An event line at level error (the role is the logger's default, "conv", in this test).
    EXPECT_NE(log.find("Z error conv: upstream 127.0.0.1:" + std::to_string(server.port) + ": " +
                       reason + "\n"),
              std::string::npos)
        << log;
    EXPECT_EQ(server.requests.load(), 0);
    EXPECT_EQ(the_upstream().failures(), 1u);
    EXPECT_EQ(count(&UpstreamCounters::connect_failures), 1u);
    std::uint64_t tls_failures = 0;  // conv_upstream_failures_total{reason="tls"}
    cluster_->pools().for_each([&](const ConnectionPool& p) {
      tls_failures += p.counters(0).failures[static_cast<std::size_t>(FailureReason::tls)].load();
    });
    EXPECT_EQ(tls_failures, 1u);
  }
};

// Two requests on one client connection (so one balancer thread): one upstream connection,
// one handshake, the second request sent on the pooled connection.
TEST_F(UpstreamTlsTest, ProxiesOverTlsAndReusesThePooledConnection) {
  TlsUpstream server(serving("server"));
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  proxytest::TestClient client(port_);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.send(proxytest::get_request("/r" + std::to_string(i))));
    const auto r = client.read_response(5000ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 200u);
    EXPECT_EQ(r->body(), "tls upstream: /r" + std::to_string(i) + "\n");
  }
  EXPECT_EQ(server.accepts.load(), 1);
  EXPECT_EQ(server.handshakes.load(), 1);
  EXPECT_EQ(server.requests.load(), 2);
}

// A TLS 1.3 server may send tickets whenever it likes: records with no data, which arrive at a
// connection idle in the pool. It must stay pooled (a plain connection that received bytes
// would be closed as dirty).
TEST_F(UpstreamTlsTest, ASessionTicketToAnIdleConnectionDoesNotMakeItDirty) {
  TlsUpstreamOptions o = serving("server");
  o.late_tickets = true;
  TlsUpstream server(o);
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  proxytest::TestClient client(port_);
  ASSERT_TRUE(client.send(proxytest::get_request("/first")));
  ASSERT_TRUE(client.read_response(5000ms));
  // The connection is pooled (its idle watch armed): only now does the ticket go out.
  ASSERT_TRUE(eventually([&] { return count(&UpstreamCounters::pooled) == 1; }));
  server.send_late_tickets();
  ASSERT_TRUE(eventually([&] { return server.late_tickets.load() == 1; }));
  // The idle watch reads it (and keeps watching).
  ASSERT_TRUE(eventually([&] { return count(&UpstreamCounters::idle_tls) == 1; }));
  ASSERT_TRUE(client.send(proxytest::get_request("/second")));
  const auto r = client.read_response(5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "tls upstream: /second\n");
  EXPECT_EQ(server.accepts.load(), 1);
  EXPECT_EQ(count(&UpstreamCounters::discarded), 0u);
}

// An upstream that closes its idle connection: the pooled connection is not used again, and
// the next one resumes the session of the first (a TLS 1.3 ticket, kept per thread).
TEST_F(UpstreamTlsTest, ANewConnectionResumesTheSession) {
  TlsUpstream server(serving("server"));
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  proxytest::TestClient client(port_);
  ASSERT_TRUE(client.send(proxytest::get_request("/first")));
  ASSERT_TRUE(client.read_response(5000ms));
  server.close_connections();
  ASSERT_TRUE(eventually([&] { return server.closed.load() == 1; }));
  ASSERT_TRUE(client.send(proxytest::get_request("/second")));
  const auto r = client.read_response(5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(server.accepts.load(), 2);
  EXPECT_EQ(server.handshakes.load(), 2);
  EXPECT_EQ(server.resumed.load(), 1);
}

TEST_F(UpstreamTlsTest, VerificationIsOnByDefault) {
  TlsUpstream server(serving("server"));
  start_tls(server.port, {});  // the system's CAs do not know the test CA
  expect_refused(server, "tls: certificate verify failed (unable to get local issuer certificate)");
}

TEST_F(UpstreamTlsTest, ASelfSignedUpstreamIsRefused) {
  TlsUpstream server(serving("selfsigned"));
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  expect_refused(server, "tls: certificate verify failed (self-signed certificate)");
}

TEST_F(UpstreamTlsTest, WithoutVerificationASelfSignedUpstreamIsAccepted) {
  TlsUpstream server(serving("selfsigned"));
  start_tls(server.port, {.verify = false});
  EXPECT_EQ(expect_status(200), "tls upstream: /x\n");
}

TEST_F(UpstreamTlsTest, ACertificateForAnotherNameIsRefused) {
  TlsUpstream server(serving("other"));  // b.test only
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  expect_refused(server, "tls: certificate verify failed (IP address mismatch)");
}

TEST_F(UpstreamTlsTest, ServerNameIsSentAndVerified) {
  TlsUpstream server(serving("other"));
  start_tls(server.port, {.ca_file = cert("ca.pem"), .server_name = "b.test"});
  EXPECT_EQ(expect_status(200), "tls upstream: /x\n");
}

TEST_F(UpstreamTlsTest, AServerNameTheCertificateLacksIsRefused) {
  TlsUpstream server(serving("other"));
  start_tls(server.port, {.ca_file = cert("ca.pem"), .server_name = "a.test"});
  expect_refused(server, "tls: certificate verify failed (hostname mismatch)");
}

TEST_F(UpstreamTlsTest, PresentsTheClientCertificate) {
  TlsUpstreamOptions o = serving("server");
  o.client_ca = cert("ca.pem");
  TlsUpstream server(o);
  start_tls(server.port, {.ca_file = cert("ca.pem"),
                          .client_cert = cert("client.pem"),
                          .client_key = cert("client.key")});
  EXPECT_EQ(expect_status(200), "tls upstream: /x\n");
  EXPECT_EQ(server.client_subject(), "/CN=client");
}

TEST_F(UpstreamTlsTest, WithoutTheClientCertificateAnUpstreamThatWantsOneRefuses) {
  TlsUpstreamOptions o = serving("server");
  o.client_ca = cert("ca.pem");
  TlsUpstream server(o);
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  expect_status(502);
  EXPECT_EQ(server.requests.load(), 0);
  EXPECT_EQ(server.handshakes.load(), 0);
}

// An upgrade to a TLS upstream is tunnelled too; a client's half-close there ends both ways.
TEST_F(UpstreamTlsTest, AnUpgradeIsTunnelled) {
  TlsUpstream server(serving("server"));
  server.status = 101;
  start_tls(server.port, {.ca_file = cert("ca.pem")});
  conv::testing::TestClient c(port_);
  ASSERT_TRUE(c.send("GET /e HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"));
  const auto r = c.read_response(5000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 101);
  ASSERT_TRUE(c.send("over tls"));
  EXPECT_TRUE(c.read_until("over tls", 3000ms)) << c.pending();
  c.shutdown_send();
  EXPECT_TRUE(c.closed_within(3000ms));
  EXPECT_TRUE(eventually([&] { return server.closed.load() == 1; }));
}

}  // namespace
}  // namespace conv::balancer
