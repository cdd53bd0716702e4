// The balancer in-process, in front of real upstream servers on loopback (proxy_fixture.hpp):
// rotation, streaming both ways, failures, smuggling, header rewriting, admin paths, policies.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "conv/balancer/admin/upstream_totals.hpp"
#include "proxy_fixture.hpp"

namespace conv::balancer::proxytest {
namespace {

TEST_F(BalancerTest, RotatesStrictlyOverNewAndKeptAliveConnections) {
  TestUpstream a("api1"), b("api2"), c("api3");
  start({a.port, b.port, c.port});
  std::vector<std::string> seen;
  for (int i = 0; i < 9; ++i) {
    auto r = get("/x");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->result_int(), 200);
    seen.emplace_back((*r)["X-Served-By"]);
  }
  TestClient keep(port_);
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(keep.send(get_request("/y")));
    auto r = keep.read_response();
    ASSERT_TRUE(r);
    seen.emplace_back((*r)["X-Served-By"]);
  }
  for (std::size_t i = 3; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 3]) << i;
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_NE(seen[1], seen[2]);
  EXPECT_NE(seen[0], seen[2]);
}

TEST_F(BalancerTest, StreamsA3MiBUploadIntact) {
  TestUpstream a("api1");
  start({a.port});
  std::string body(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 7919) % 251);
  TestClient c(port_);
  ASSERT_TRUE(c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body));
  auto r = c.read_response(10'000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body(),
            "POST /upload " + std::to_string(body.size()) + " " + std::to_string(fnv1a(body)));
}

TEST_F(BalancerTest, StreamsAChunkedUploadIntact) {
  TestUpstream a("api1");
  start({a.port});
  std::string wire, body;
  for (int i = 0; i < 50; ++i) {
    const std::string piece(1000 + i * 37, static_cast<char>('a' + i % 26));
    body += piece;
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    wire += std::string(size) + "\r\n" + piece + "\r\n";
  }
  wire += "0\r\n\r\n";
  TestClient c(port_);
  ASSERT_TRUE(c.send("PUT /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + wire));
  auto r = c.read_response(10'000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "PUT /c " + std::to_string(body.size()) + " " + std::to_string(fnv1a(body)));
  // The connection stays usable.
  ASSERT_TRUE(c.send(get_request("/after")));
  EXPECT_TRUE(c.read_response());
}

TEST_F(BalancerTest, StreamsLargeResponsesBack) {
  TestUpstream a("api1");
  start({a.port});
  auto r = get("/big?n=5000000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body().size(), 5000000u);
  EXPECT_EQ(r->body().substr(0, 5), "abcde");
}

TEST_F(BalancerTest, RechunksAChunkedUpstreamResponse) {
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Served-By: raw\r\n\r\n";
  std::string expect;
  for (int i = 0; i < 40; ++i) {
    const std::string piece(70000, static_cast<char>('A' + i % 26));
    expect += piece;
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    chunked += std::string(size) + "\r\n" + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  RawUpstream raw(chunked);
  start({raw.port});
  auto r = get("/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ((*r)["Transfer-Encoding"], "chunked");
  EXPECT_EQ(r->body().size(), expect.size());
  EXPECT_TRUE(r->body() == expect);
}

TEST_F(BalancerTest, AllUpstreamsDownAnswers503Fast) {
  start({closed_port(), closed_port()});
  auto first = get("/x");  // both refuse: tried, failed, taken out
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 502);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 503);
  EXPECT_NE(r->body().find("no_upstream"), std::string::npos);
  EXPECT_EQ((*r)["X-Served-By"], "lb");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
}

TEST_F(BalancerTest, RetriesOnTheNextUpstreamWhenOneRefuses) {
  TestUpstream live("api2");
  start({closed_port(), live.port});
  for (int i = 0; i < 4; ++i) {
    auto r = get("/x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 200);
    EXPECT_EQ((*r)["X-Served-By"], "api2");
  }
  // A POST is retried too when nothing was sent (the connect failed).
  BalancerTest::TearDown();
  TestUpstream live2("api3");
  start({closed_port(), live2.port});
  TestClient c(port_);
  ASSERT_TRUE(c.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body().substr(0, 9), "POST /p 3");
}

TEST_F(BalancerTest, SlowUpstreamGets504WithinTheResponseTimeout) {
  TestUpstream slow("api1");
  BalancerConfig c = default_config();
  c.response_timeout = 300ms;
  start({slow.port}, c);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = get("/slow?ms=3000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 504);
  EXPECT_NE(r->body().find("upstream_timeout"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
}

TEST_F(BalancerTest, MalformedUpstreamResponseIs502) {
  RawUpstream raw("HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nhi");
  start({raw.port});
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 502);
  EXPECT_NE(r->body().find("bad_gateway"), std::string::npos);
  EXPECT_EQ(r->body().find("2OO"), std::string::npos);
}

// Interim 1xx heads are read past (103 Early Hints, a stray 100): the final response is the
// one relayed. An upstream that only ever sends interim heads gets 502, not an endless read.
TEST_F(BalancerTest, InterimResponsesAreSkippedUpToABound) {
  const std::string interim = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n";
  RawUpstream some(
      interim + interim + "HTTP/1.1 100 Continue\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\nConnection: close\r\n\r\nfinal");
  start({some.port});
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body(), "final");
  EXPECT_EQ((*r)["X-Final"], "yes");
}

TEST_F(BalancerTest, AnUpstreamSendingOnlyInterimResponsesGets502) {
  const std::string interim = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n";
  std::string endless;
  for (int i = 0; i < 50; ++i) endless += interim;
  RawUpstream only_interim(endless);
  start({only_interim.port});
  auto r = get("/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 502);
  EXPECT_NE(r->body().find("interim"), std::string::npos);
}

// Found by tests/fuzz/balancer_session: a response delimited by the upstream closing (no
// length, not chunked) said "keep-alive", and its connection went back to the pool; the next
// request on it waited for an answer that never came (504).
TEST_F(BalancerTest, ConnectionOfAResponseEndedByCloseIsNeverReused) {
  RawUpstream raw("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nuntil close");
  auto c = default_config();
  c.response_timeout = 2s;
  start({raw.port}, c);
  TestClient client(port_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send(get_request("/x")));
    auto r = client.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->result_int(), 200) << i;
    EXPECT_EQ(r->body(), "until close") << i;
  }
  EXPECT_EQ(raw.connections.load(), 3);
}

// Found by tests/fuzz/balancer_session: a chunked body that starts with a final chunk cut
// short ("0\n\r\n", a bare LF) and "Expect: 100-continue". After the 100 Continue went out,
// the session handed Beast the same partial input again, which Beast asserts against (a
// Debug build, as in the asan preset, aborted). Now: 100 Continue, then 400 once the body
// ends, and nothing reaches the upstream.
TEST_F(BalancerTest, APartialFinalChunkIsNotParsedTwiceAfter100Continue) {
  RawUpstream raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  start({raw.port});
  TestClient c(port_);
  ASSERT_TRUE(
      c.send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
             "Expect: 100-continue\r\n\r\n0\n\r\n"));
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(c.send("\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 400);
  EXPECT_EQ(raw.connections.load(), 0) << raw.received();
}

TEST_F(BalancerTest, SmugglingVectorsGet400AndNeverReachTheUpstream) {
  RawUpstream raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  start({raw.port});
  const std::string h = "POST / HTTP/1.1\r\nHost: a\r\n";
  const std::vector<std::string> vectors = {
      h + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      h + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
      h + "Content-Length: 4, 5\r\n\r\nabcde",
      h + "Content-Length: +4\r\n\r\nabcd",
      h + "Content-Length: 0x10\r\n\r\n",
      h + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      h + "Content-Length : 4\r\n\r\nabcd",
      h + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
      h + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nx\r\n0\r\n\r\n",
      h + "Transfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n",
      h + std::string("X-A: b\0c\r\n\r\n", 12),
      h + "X-A: b\rc\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
  };
  for (const auto& v : vectors) {
    TestClient c(port_);
    ASSERT_TRUE(c.send(v));
    auto r = c.read_response();
    ASSERT_TRUE(r) << v;
    EXPECT_EQ(r->result_int(), 400) << v;
    EXPECT_TRUE(c.closed_within(3000ms)) << v;
  }
  EXPECT_EQ(raw.connections.load(), 0) << raw.received();
}

TEST_F(BalancerTest, HopByHopHeadersStayHereAndForwardingHeadersAreAdded) {
  TestUpstream a("api1");
  start({a.port});
  TestClient c(port_);
  ASSERT_TRUE(
      c.send("GET /headers HTTP/1.1\r\nHost: shop\r\nConnection: X-Secret\r\n"
             "X-Secret: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
             "Proxy-Authorization: x\r\nX-Forwarded-For: 9.9.9.9\r\nAccept: */*\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  const std::string& got = r->body();
  for (const char* gone : {"X-Secret", "Keep-Alive", "TE:", "Upgrade", "Proxy-Authorization"}) {
    EXPECT_EQ(got.find(gone), std::string::npos) << gone << "\n" << got;
  }
  EXPECT_NE(got.find("Host: shop\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Accept: */*\n"), std::string::npos);
  // The client is no trusted proxy: its X-Forwarded-For is replaced, not appended to.
  EXPECT_NE(got.find("X-Forwarded-For: 127.0.0.1\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("9.9.9.9"), std::string::npos) << got;
  EXPECT_NE(got.find("X-Forwarded-Proto: http\n"), std::string::npos);
  EXPECT_NE(got.find("X-Forwarded-Host: shop\n"), std::string::npos);
  EXPECT_NE(got.find("Via: 1.1 conv\n"), std::string::npos);
  EXPECT_EQ((*r)["Via"], "1.1 conv");
}

// The response side of the same rule, end to end: the upstream's hop-by-hop headers (the
// fixed ones and those its Connection names, over two Connection lines) never reach the
// client, its end-to-end headers do, and its "Connection: close" ends only the upstream
// hop: the client's connection stays open for the next request.
TEST_F(BalancerTest, HopByHopHeadersOfTheResponseStayHere) {
  RawUpstream raw(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: X-Foo, X-Bar\r\n"
      "Connection: close\r\nX-Foo: 1\r\nX-Bar: 2\r\nKeep-Alive: timeout=5\r\n"
      "Proxy-Connection: keep-alive\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
      "Trailer: X-Checksum\r\nUpgrade: h2c\r\nTE: trailers\r\nX-End: kept\r\n"
      "Cache-Control: no-store\r\nSet-Cookie: a=b\r\nX-Served-By: raw\r\n\r\nok");
  start({raw.port});
  TestClient c(port_);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send(get_request("/x"))) << i;
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->result_int(), 200);
    for (const char* gone : {"X-Foo", "X-Bar", "Keep-Alive", "Proxy-Connection",
                             "Proxy-Authenticate", "Trailer", "Upgrade", "TE"}) {
      EXPECT_EQ(r->count(gone), 0u) << gone << " reached the client";
    }
    const auto connection = r->equal_range(boost::beast::http::field::connection);
    for (auto it = connection.first; it != connection.second; ++it) {
      EXPECT_EQ(it->value(), "keep-alive") << "the upstream's Connection reached the client";
    }
    EXPECT_EQ((*r)["X-End"], "kept");
    EXPECT_EQ((*r)["Cache-Control"], "no-store");
    EXPECT_EQ((*r)["Set-Cookie"], "a=b");
    EXPECT_EQ((*r)["X-Served-By"], "raw");
    EXPECT_EQ((*r)["Via"], "1.1 conv");
    EXPECT_EQ((*r)["Content-Length"], "2");
    EXPECT_EQ(r->body(), "ok");
    EXPECT_TRUE(r->keep_alive());
  }
  EXPECT_EQ(raw.connections.load(), 2);  // the upstream's close was honoured on its side
}

TEST_F(BalancerTest, AdminPathIsAnsweredHereAndNeverForwarded) {
  TestUpstream a("api1");
  auto cfg = default_config();
  cfg.public_metrics = true;
  start({a.port}, cfg);
  for (const char* path : {"/_conv/healthz", "/_conv/readyz", "/_conv/metrics"}) {
    auto r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->result_int(), 200) << path;
    EXPECT_EQ((*r)["X-Served-By"], "lb");
  }
  EXPECT_EQ(get("/_conv/nope")->result_int(), 404);
  EXPECT_EQ(a.handler.requests.load(), 0);
  EXPECT_EQ(get("/_convx")->result_int(), 200);  // not the prefix: forwarded
  EXPECT_EQ(a.handler.requests.load(), 1);
  auto m = get("/_conv/metrics");
  EXPECT_NE(m->body().find("conv_upstream_requests_total{upstream=\"127.0.0.1:" +
                           std::to_string(a.port) + "\"} 1"),
            std::string::npos)
      << m->body();
}

// The metrics show every upstream's address and state: not to the internet by default.
TEST_F(BalancerTest, MetricsAreNotPublicUnlessConfigured) {
  TestUpstream a("api1");
  start({a.port});
  auto r = get("/_conv/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 404);
  EXPECT_EQ(r->body().find("conv_upstream"), std::string::npos);
  EXPECT_EQ(get("/_conv/healthz")->result_int(), 200);
  EXPECT_EQ(a.handler.requests.load(), 0);
}

TEST_F(BalancerTest, HashPolicyKeepsEachSessionOnOneUpstream) {
  TestUpstream a("api1"), b("api2"), c("api3");
  BalancerConfig cfg = default_config();
  cfg.policy.kind = PolicyKind::hash;
  cfg.policy.key = {HashKey::cookie, "sid"};
  start({a.port, b.port, c.port}, cfg);
  std::set<std::string> used;
  for (int user = 0; user < 60; ++user) {
    std::string first;
    for (int i = 0; i < 3; ++i) {
      TestClient client(port_);
      ASSERT_TRUE(
          client.send(get_request("/x", "Cookie: sid=user" + std::to_string(user) + "\r\n")));
      auto r = client.read_response();
      ASSERT_TRUE(r);
      const std::string by((*r)["X-Served-By"]);
      if (i == 0) first = by;
      EXPECT_EQ(by, first) << "user " << user << " moved";
    }
    used.insert(first);
  }
  // 60 sessions over 3 upstreams (ports, hence ring points, vary by run): that one gets
  // none has a chance of 3 * (2/3)^60, about 1e-10.
  EXPECT_EQ(used.size(), 3u);
}

TEST_F(BalancerTest, ADrainedUpstreamGetsNoRequestsAndCountersFollowTraffic) {
  TestUpstream a("api1"), b("api2");
  start({a.port, b.port});
  cluster_->upstreams()[0].set_admin_state(AdminState::draining);
  cluster_->selector().refresh(Upstream::Clock::now());
  for (int i = 0; i < 6; ++i) EXPECT_EQ((*get("/x"))["X-Served-By"], "api2");
  EXPECT_EQ(a.handler.requests.load(), 0);
  const auto totals = sum_counters(cluster_->pools(), 2);
  EXPECT_EQ(totals[1].attempts, 6u);
  EXPECT_EQ(totals[1].responses[1], 6u);  // 2xx
  // Every request releases its slot, just after its last byte went out: poll, bounded.
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (cluster_->upstreams()[1].in_flight() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(cluster_->upstreams()[1].in_flight(), 0);
}

TEST_F(BalancerTest, AnUpstreamAnswering5xxIsEjectedAfterConsecutiveErrors) {
  RawUpstream bad(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  TestUpstream good("api2");
  BalancerConfig cfg = default_config();
  cfg.outlier.consecutive_5xx = 2;
  start({bad.port, good.port}, cfg);
  int errors = 0;
  for (int i = 0; i < 10; ++i) errors += get("/x")->result_int() == 500 ? 1 : 0;
  EXPECT_EQ(errors, 2);  // relayed as they came, then no more requests for it
  EXPECT_EQ(bad.connections.load(), 2);
  EXPECT_EQ(cluster_->upstreams()[0].state(Upstream::Clock::now()), "ejected");
}

TEST_F(BalancerTest, ASpentRetryBudgetAnswersTheFailureInsteadOfRetrying) {
  TestUpstream good("api2");
  BalancerConfig cfg = default_config();
  cfg.retry_budget.ratio = 0.01;  // of 1 request in flight: no retry at all
  cfg.retry_budget.min_concurrent = 0;
  start({closed_port(), good.port}, cfg);
  auto r = get("/x");  // round-robin starts with the refusing upstream
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 502);
  EXPECT_EQ(good.handler.requests.load(), 0);
  EXPECT_EQ(cluster_->retry_budget().denied(), 1u);
  EXPECT_EQ(cluster_->retry_budget().active(), 0);
}

// A HEAD answer and the upstream's own errors reach the client as the upstream sent them
// (status, body, headers, X-Served-By), not replaced by the balancer's JSON errors and not
// retried; the framing of the kept-alive client connection stays intact after each.
TEST_F(BalancerTest, HeadAndErrorsFromUpstreamPassThrough) {
  TestUpstream a("api1");
  start({a.port});
  TestClient c(port_);
  ASSERT_TRUE(c.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.read_response(5000ms, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_FALSE((*r)["Content-Length"].empty());
  ASSERT_TRUE(c.send(get_request("/after")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body().substr(0, 10), "GET /after");

  for (const char* code : {"503", "500", "404"}) {
    const std::string target = std::string("/status?code=") + code;
    ASSERT_TRUE(c.send(get_request(target)));
    auto e = c.read_response();
    ASSERT_TRUE(e) << code;
    EXPECT_EQ(std::to_string(e->result_int()), code);
    EXPECT_EQ(e->body(), std::string("upstream says ") + code);
    EXPECT_EQ((*e)["Content-Type"], "text/plain");
    EXPECT_EQ((*e)["Retry-After"], "7");
    EXPECT_EQ((*e)["X-Served-By"], "api1");
    EXPECT_EQ((*e)["Content-Length"], std::to_string(e->body().size()));

    // HEAD of the same error: its status and length, no body, and the next response follows
    // directly on the same connection.
    ASSERT_TRUE(c.send("HEAD " + target + " HTTP/1.1\r\nHost: t\r\n\r\n" + get_request("/next")));
    auto h = c.read_response(5000ms, true);
    ASSERT_TRUE(h) << code;
    EXPECT_EQ(std::to_string(h->result_int()), code);
    EXPECT_EQ((*h)["Content-Length"], std::to_string(e->body().size()));
    EXPECT_EQ((*h)["Retry-After"], "7");
    EXPECT_TRUE(h->body().empty());
    auto after = c.read_response();
    ASSERT_TRUE(after) << code;
    EXPECT_EQ(after->result_int(), 200);
    EXPECT_EQ(after->body().substr(0, 9), "GET /next");
  }
  // One upstream request per client request: an upstream's 5xx is an answer, not retried.
  EXPECT_EQ(a.handler.requests.load(), 2 + 3 * 3);
}

}  // namespace
}  // namespace conv::balancer::proxytest
