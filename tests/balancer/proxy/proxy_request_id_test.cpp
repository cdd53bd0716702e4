// Request IDs and trace context through the real proxy (proxy_fixture.hpp): the ID the
// balancer keeps or makes reaches the upstream, comes back to the client (on the balancer's
// own errors too) and is logged; a traceparent gets a new span per attempt.
// docs/api.md, "Request IDs and tracing".
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "proxy_fixture.hpp"
#include "support/temp_dir.hpp"

namespace conv::balancer::proxytest {
namespace {

const std::regex kUuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

// The value of `name` in the header lines an UpstreamHandler's /headers echoes ("" if none).
std::string echoed(const std::string& body, const std::string& name) {
  const auto at = body.find(name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return body.substr(start, body.find('\n', start) - start);
}

std::string with_headers(const std::string& target, const std::string& lines) {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + lines + "\r\n";
}

class RequestIdTest : public BalancerTest {
 protected:
  // The ID the upstream got for a request with these extra header lines, after checking
  // that the client got the same one back.
  std::string id_through(const std::string& lines) {
    auto r = request(with_headers("/headers", lines));
    if (!r || r->result_int() != 200) {
      ADD_FAILURE() << "no 200";
      return "";
    }
    const std::string upstream = echoed(r->body(), "X-Request-Id");
    EXPECT_EQ(std::string((*r)["X-Request-Id"]), upstream) << r->body();
    return upstream;
  }
};

TEST_F(RequestIdTest, AnIdIsMadeWhenTheClientSendsNone) {
  TestUpstream a("api1");
  start({a.port});
  const std::string first = id_through("");
  EXPECT_TRUE(std::regex_match(first, kUuid4)) << first;
  EXPECT_NE(id_through(""), first);
}

TEST_F(RequestIdTest, AValidIncomingIdIsKeptAndAnInvalidOneReplaced) {
  TestUpstream a("api1");
  start({a.port});
  EXPECT_EQ(id_through("X-Request-Id: client-42\r\n"), "client-42");
  EXPECT_EQ(id_through("x-request-id: 01HQ3Z:ab+/=\r\n"), "01HQ3Z:ab+/=");
  for (const char* bad : {"X-Request-Id: has space\r\n", "X-Request-Id: quo\"te\r\n",
                          "X-Request-Id: a\r\nX-Request-Id: b\r\n"}) {
    const std::string got = id_through(bad);
    EXPECT_TRUE(std::regex_match(got, kUuid4)) << bad << " -> " << got;
  }
  const std::string long_id(129, 'a');
  EXPECT_TRUE(std::regex_match(id_through("X-Request-Id: " + long_id + "\r\n"), kUuid4));
  EXPECT_EQ(id_through("X-Request-Id: " + long_id.substr(1) + "\r\n"), long_id.substr(1));
}

TEST_F(RequestIdTest, ReplaceModeAlwaysMakesOneAndTrustedModeKeepsOnlyATrustedPeers) {
  TestUpstream a("api1");
  BalancerConfig c = default_config();
  c.request_id = RequestIdMode::replace;
  start({a.port}, c);
  EXPECT_TRUE(std::regex_match(id_through("X-Request-Id: client-42\r\n"), kUuid4));
  BalancerTest::TearDown();

  c.request_id = RequestIdMode::trusted;
  start({a.port}, c);
  EXPECT_TRUE(std::regex_match(id_through("X-Request-Id: client-42\r\n"), kUuid4));
  BalancerTest::TearDown();

  c.trusted_proxies = {*parse_cidr("127.0.0.0/8")};
  start({a.port}, c);
  EXPECT_EQ(id_through("X-Request-Id: client-42\r\n"), "client-42");
}

// The balancer's own answers (a 502 here, a 503 with nothing up) carry the ID as well.
TEST_F(RequestIdTest, TheBalancersOwnErrorsCarryTheId) {
  start({closed_port()});
  for (int status : {502, 503}) {
    auto r = request(with_headers("/x", "X-Request-Id: err-1\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), status);
    EXPECT_EQ((*r)["X-Request-Id"], "err-1");
  }
}

// Each attempt is a span of its own: the first (reset) and the retry carry the client's
// trace ID with two new parent IDs, and the client's tracestate.
TEST_F(RequestIdTest, EachAttemptSendsTheTraceWithANewSpan) {
  RawUpstream resetting(RawBehaviour{"", 0ms, true});
  TestUpstream good("api2");
  start({resetting.port, good.port});
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  auto r = request(with_headers(
      "/headers", "traceparent: 00-" + trace + "-b7ad6b7169203331-01\r\ntracestate: a=1\r\n"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->result_int(), 200);
  const std::regex span("00-" + trace + "-([0-9a-f]{16})-01");
  std::smatch first, second;
  const std::string sent_first = resetting.received();
  const std::string line = sent_first.substr(sent_first.find("traceparent: ") + 13, 55);
  ASSERT_TRUE(std::regex_match(line, first, span)) << sent_first;
  const std::string retried = echoed(r->body(), "traceparent");
  ASSERT_TRUE(std::regex_match(retried, second, span)) << r->body();
  EXPECT_NE(first[1], second[1]);
  EXPECT_NE(first[1], "b7ad6b7169203331");
  EXPECT_NE(second[1], "b7ad6b7169203331");
  EXPECT_EQ(echoed(r->body(), "tracestate"), "a=1");
  // An invalid traceparent is not passed on, nor its tracestate.
  r = request(with_headers("/headers", "traceparent: 00-xyz-01\r\ntracestate: a=1\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body().find("trace"), std::string::npos) << r->body();
}

TEST_F(RequestIdTest, TheAccessLogShowsTheId) {
  const conv::testing::TempDir dir("conv-rid");
  const std::string path = dir.file("access.log");
  log_ = http::AccessLog::open(path);
  TestUpstream a("api1");
  start({a.port});
  ASSERT_EQ(id_through("X-Request-Id: logged-7\r\n"), "logged-7");
  const std::string made = id_through("");
  // Each line is written once its response went out: poll (the client may read first).
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (text.find(made) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    log_->flush();
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  EXPECT_NE(text.find(" rid=\"logged-7\" ua="), std::string::npos) << text;
  EXPECT_NE(text.find(" rid=\"" + made + "\" ua="), std::string::npos) << text;
  BalancerTest::TearDown();
}

}  // namespace
}  // namespace conv::balancer::proxytest
