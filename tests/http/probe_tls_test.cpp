// `conv probe https://...`: the probe over TLS against a small TLS server on loopback, with the
// test certificates (tests/support/make_test_certs.sh).

#include <gtest/gtest.h>

#include "../support/raw_upstream.hpp"
#include "../support/test_certs.hpp"
#include "../support/tls_upstream.hpp"
#include "conv/http/probe.hpp"

namespace conv::http {
namespace {

using namespace std::chrono_literals;
using conv::testing::TestCerts;
using conv::testing::TlsUpstream;
using conv::testing::TlsUpstreamOptions;

std::string cert(const std::string& name) {
  return TestCerts::get().path(name);
}

TlsUpstreamOptions serving(const std::string& name) {
  return {cert(name + ".pem"), cert(name + ".key"), ""};
}

ProbeResult probe_port(std::uint16_t port, const tls::ClientSettings& tls,
                       const std::string& host = "127.0.0.1") {
  const auto url = parse_http_url("https://" + host + ":" + std::to_string(port) + "/healthz");
  EXPECT_TRUE(url);
  return probe(*url, 5s, tls);
}

TEST(ProbeTls, ParsesHttpsWithPort443ByDefault) {
  const auto url = parse_http_url("HTTPS://api.test/healthz");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->host_header, "api.test");
  EXPECT_FALSE(parse_http_url("http://api.test")->https);
  EXPECT_EQ(parse_http_url("https://api.test:8443/")->port, 8443);
  EXPECT_FALSE(parse_http_url("ftp://api.test/"));
}

TEST(ProbeTls, PassesWithTheCaThatSignedTheServer) {
  TlsUpstream server(serving("server"));
  const auto r = probe_port(server.port, {.ca_file = cert("ca.pem")});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(server.requests.load(), 1);
}

TEST(ProbeTls, NamesTheServerAsTheUrlDoes) {
  TlsUpstream server(serving("server"));
  EXPECT_TRUE(probe_port(server.port, {.ca_file = cert("ca.pem")}, "localhost").ok());
}

TEST(ProbeTls, FailsVerificationWithoutTheCa) {
  TlsUpstream server(serving("server"));
  const auto r = probe_port(server.port, {});  // the system's CAs do not know the test CA
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.error, "tls: certificate verify failed (unable to get local issuer certificate)");
  EXPECT_EQ(server.requests.load(), 0);
}

TEST(ProbeTls, InsecureSkipsVerification) {
  TlsUpstream server(serving("selfsigned"));
  const auto r = probe_port(server.port, {.verify = false});
  EXPECT_TRUE(r.ok()) << r.error;
}

TEST(ProbeTls, RefusesASelfSignedServer) {
  TlsUpstream server(serving("selfsigned"));
  const auto r = probe_port(server.port, {.ca_file = cert("ca.pem")});
  EXPECT_EQ(r.error, "tls: certificate verify failed (self-signed certificate)");
}

TEST(ProbeTls, RefusesACertificateForAnotherName) {
  TlsUpstream server(serving("other"));  // b.test only
  const auto r = probe_port(server.port, {.ca_file = cert("ca.pem")});
  EXPECT_EQ(r.error, "tls: certificate verify failed (IP address mismatch)");
  const auto named = probe_port(server.port, {.ca_file = cert("ca.pem")}, "localhost");
  EXPECT_EQ(named.error, "tls: certificate verify failed (hostname mismatch)");
  // The name to verify may be given apart from the address connected to.
  EXPECT_TRUE(probe_port(server.port, {.ca_file = cert("ca.pem"), .server_name = "b.test"}).ok());
}

TEST(ProbeTls, APlainHttpServerFailsTheHandshakeInTime) {
  conv::testing::RawUpstream plain("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  const auto r = probe_port(plain.port, {.ca_file = cert("ca.pem")});
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
  EXPECT_FALSE(r.timed_out);
}

TEST(ProbeTls, ABadCaFileIsAnError) {
  const auto url = parse_http_url("https://127.0.0.1:1/");
  EXPECT_THROW(probe(*url, 1s, {.ca_file = "/nonexistent.pem"}), tls::TlsError);
}

}  // namespace
}  // namespace conv::http
