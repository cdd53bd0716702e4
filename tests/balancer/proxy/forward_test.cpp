#include "conv/balancer/proxy/forward.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "conv/http/request_validator.hpp"

namespace conv::balancer {
namespace {

namespace bhttp = boost::beast::http;

http::RequestHeader parse_request(std::string_view raw) {
  bhttp::request_parser<bhttp::empty_body> p;
  boost::system::error_code ec;
  p.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  EXPECT_TRUE(!ec || ec == bhttp::error::need_more || ec == bhttp::error::unexpected_body)
      << ec.message();
  return p.get().base();
}

ResponseHeader parse_response(std::string_view raw) {
  bhttp::response_parser<bhttp::empty_body> p;
  boost::system::error_code ec;
  p.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  return p.get().base();
}

bool has_line(const std::string& head, std::string_view line) {
  return head.find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
}

TEST(Forward, RemovesHopByHopAndConnectionListedHeaders) {
  const auto req = parse_request(
      "GET /x?y=1 HTTP/1.1\r\nHost: example\r\nConnection: keep-alive, X-Secret\r\n"
      "Keep-Alive: timeout=5\r\nX-Secret: 1\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
      "Trailer: X\r\nUpgrade: websocket\r\nProxy-Authorization: Basic x\r\n"
      "Accept: */*\r\nExpect: 100-continue\r\n\r\n");
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_EQ(head.rfind("GET /x?y=1 HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_TRUE(has_line(head, "Host: example"));
  EXPECT_TRUE(has_line(head, "Accept: */*"));
  for (const char* gone :
       {"Connection", "Keep-Alive", "X-Secret", "Proxy-Connection", "TE:", "Trailer", "Upgrade",
        "Proxy-Authorization", "Expect", "Content-Length", "Transfer-Encoding"}) {
    EXPECT_EQ(head.find(gone), std::string::npos) << gone << " in\n" << head;
  }
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

// Found by tests/fuzz/request_head: an HTTP/1.0 request without Host went upstream as an
// HTTP/1.1 one without Host, which a strict upstream (conv converter among them) refuses.
TEST(Forward, GivesAnHttp10RequestWithoutHostAnEmptyHost) {
  const auto req = parse_request("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_TRUE(has_line(head, "Host: ")) << head;
  const auto forwarded = parse_request(head);
  EXPECT_EQ(forwarded.count(bhttp::field::host), 1u);
  EXPECT_EQ(http::validate_request(head, forwarded), std::nullopt) << head;
}

TEST(Forward, AddsForwardingHeadersAndBelievesOnlyTrustedPeers) {
  const auto req = parse_request(
      "GET / HTTP/1.1\r\nHost: shop.example:5000\r\nX-Forwarded-For: 1.1.1.1\r\n"
      "X-Forwarded-For: 2.2.2.2\r\nX-Forwarded-Proto: https\r\nVia: 1.0 edge\r\n"
      "Forwarded: for=3.3.3.3\r\nX-Real-IP: 4.4.4.4\r\n\r\n");
  // From any peer: the proxy's own headers.
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_TRUE(has_line(head, "X-Forwarded-Proto: http")) << head;
  EXPECT_TRUE(has_line(head, "X-Forwarded-Host: shop.example:5000")) << head;
  EXPECT_TRUE(has_line(head, "Via: 1.0 edge, 1.1 conv")) << head;
  EXPECT_EQ(head.find("https"), std::string::npos);
  // An untrusted peer's claims about the client are not passed on.
  EXPECT_TRUE(has_line(head, "X-Forwarded-For: 10.1.2.3")) << head;
  for (const char* claim :
       {"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "Forwarded:", "X-Real-IP"}) {
    EXPECT_EQ(head.find(claim), std::string::npos) << claim << " in\n" << head;
  }
  // A trusted proxy's are: appended to, and kept.
  const std::string trusted =
      upstream_request_head(req, {"10.1.2.3", "http", "1.1 conv", true}, Framing::none, 0);
  EXPECT_TRUE(has_line(trusted, "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.1.2.3")) << trusted;
  EXPECT_TRUE(has_line(trusted, "Forwarded: for=3.3.3.3")) << trusted;
  EXPECT_TRUE(has_line(trusted, "X-Real-IP: 4.4.4.4")) << trusted;
}

// Found by review: "Connection: Host" made the balancer forward a request without Host.
TEST(Forward, ConnectionNeverRemovesHostOrFraming) {
  const auto req = parse_request(
      "POST /p HTTP/1.1\r\nHost: shop\r\nConnection: Host, Content-Length, X-A\r\n"
      "X-A: 1\r\nContent-Length: 3\r\n\r\n");
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::length, 3);
  EXPECT_TRUE(has_line(head, "Host: shop")) << head;
  EXPECT_TRUE(has_line(head, "Content-Length: 3")) << head;
  EXPECT_EQ(head.find("X-A"), std::string::npos) << head;
}

// Each field used to be compared with each Connection option: 6,000 options cost 180 ms.
// Now at most kMaxConnectionOptions count, every one still removed, and more is refused.
TEST(Forward, ConnectionOptionsAreCappedAndAllRemoved) {
  std::string options, fields;
  for (std::size_t i = 0; i < http::kMaxConnectionOptions; ++i) {
    options += (i ? ", X-O" : "X-O") + std::to_string(i);
    fields += "X-O" + std::to_string(i) + ": v\r\n";
  }
  const auto req = parse_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: " + options + "\r\n" +
                                 fields + "X-Kept: 1\r\n\r\n");
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_EQ(head.find("X-O"), std::string::npos) << head;
  EXPECT_TRUE(has_line(head, "X-Kept: 1")) << head;

  const std::string upstream = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: ";
  EXPECT_FALSE(check_upstream_response(parse_response(upstream + options + "\r\n\r\n")));
  EXPECT_TRUE(check_upstream_response(parse_response(upstream + options + ", X-More\r\n\r\n")));
}

TEST(Forward, AnUpgradeOtherThanH2cIsAskedFor) {
  EXPECT_TRUE(asks_upgrade(parse_request(
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")));
  EXPECT_TRUE(
      asks_upgrade(parse_request("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, upgrade\r\n"
                                 "Upgrade: h2c, TLS/1.3\r\n\r\n")));
  // h2c may be ignored (the client goes on in HTTP/1.1); an Upgrade not listed in Connection
  // is only a hop-by-hop header, dropped.
  EXPECT_FALSE(asks_upgrade(parse_request(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
      "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n")));
  EXPECT_FALSE(
      asks_upgrade(parse_request("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n")));
}

TEST(Forward, AnUpgradeGoesUpstreamWithoutH2c) {
  const auto req = parse_request(
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c, websocket\r\nHTTP2-Settings: AAMA\r\nSec-WebSocket-Version: 13\r\n\r\n");
  const std::string head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0, true);
  EXPECT_TRUE(has_line(head, "Connection: Upgrade")) << head;
  EXPECT_TRUE(has_line(head, "Upgrade: websocket")) << head;
  EXPECT_TRUE(has_line(head, "Sec-WebSocket-Version: 13")) << head;
  EXPECT_EQ(head.find("h2c"), std::string::npos) << head;
  EXPECT_EQ(head.find("HTTP2-Settings"), std::string::npos) << head;
  EXPECT_EQ(head.find("keep-alive"), std::string::npos) << head;
  // Not asked for: both dropped, as every hop-by-hop header.
  const std::string plain = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_EQ(plain.find("Upgrade"), std::string::npos) << plain;
}

TEST(Forward, WritesExactlyOneFramingHeader) {
  auto req = parse_request("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n");
  std::uint64_t len = 0;
  EXPECT_EQ(request_framing(req, len), Framing::length);
  EXPECT_EQ(len, 12u);
  std::string head = upstream_request_head(req, {"1.2.3.4"}, Framing::length, len);
  EXPECT_TRUE(has_line(head, "Content-Length: 12"));
  EXPECT_EQ(head.find("Content-Length"), head.rfind("Content-Length"));

  req = parse_request("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(request_framing(req, len), Framing::chunked);
  head = upstream_request_head(req, {"1.2.3.4"}, Framing::chunked, 0);
  EXPECT_TRUE(has_line(head, "Transfer-Encoding: chunked"));
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);

  req = parse_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(request_framing(req, len), Framing::none);
}

TEST(Forward, ResponseHeadKeepsEndToEndHeadersAndReframes) {
  const auto res = parse_response(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Served-By: api1\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close, X-Internal\r\nX-Internal: 1\r\n"
      "Keep-Alive: timeout=5\r\n\r\n");
  std::string head = client_response_head(res, 11, Framing::chunked, 0, true, "1.1 conv");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_TRUE(has_line(head, "Content-Type: application/json"));
  EXPECT_TRUE(has_line(head, "X-Served-By: api1"));
  EXPECT_TRUE(has_line(head, "Transfer-Encoding: chunked"));
  EXPECT_TRUE(has_line(head, "Via: 1.1 conv"));
  EXPECT_EQ(head.find("X-Internal"), std::string::npos);
  EXPECT_EQ(head.find("Keep-Alive"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);

  head = client_response_head(res, 11, Framing::length, 80, false, "1.1 conv");
  EXPECT_TRUE(has_line(head, "Content-Length: 80"));
  EXPECT_TRUE(has_line(head, "Connection: close"));
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);

  head = client_response_head(res, 10, Framing::close, 0, false, "1.1 conv");
  EXPECT_EQ(head.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

// The client's X-Request-Id lines (of any case) give way to the balancer's one; with no ID
// given, the client's go as they are (the converter's own proxying is not this function's).
TEST(Forward, RequestIdReplacesTheClientsOwn) {
  const auto req = parse_request(
      "GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: forged\r\nx-request-id: two\r\n\r\n");
  ForwardedFor fwd{"10.1.2.3"};
  fwd.request_id = "abc-123";
  std::string head = upstream_request_head(req, fwd, Framing::none, 0);
  EXPECT_TRUE(has_line(head, "X-Request-Id: abc-123")) << head;
  EXPECT_EQ(head.find("forged"), std::string::npos) << head;
  EXPECT_EQ(head.find("two"), std::string::npos) << head;
  head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_TRUE(has_line(head, "X-Request-Id: forged")) << head;
}

// The IDs the exchange reads are the headers upstream_request_head replaces: any case, and
// only when given once (two are ambiguous: neither is kept).
TEST(Forward, IncomingIdsAreTheOnlyOfTheirName) {
  // The IDs are views into the request: it must outlive them.
  const auto once =
      parse_request("GET / HTTP/1.1\r\nHost: h\r\nx-request-id: a-1\r\nTRACEPARENT: 00-x\r\n\r\n");
  auto ids = incoming_ids(once);
  EXPECT_EQ(ids.request_id, "a-1");
  EXPECT_EQ(ids.traceparent, "00-x");
  const auto twice = parse_request(
      "GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: a\r\nX-Request-Id: b\r\n"
      "traceparent: p\r\ntraceparent: q\r\ntraceparent: r\r\n\r\n");
  ids = incoming_ids(twice);
  EXPECT_EQ(ids.request_id, "");
  EXPECT_EQ(ids.traceparent, "");
  const auto none = parse_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(incoming_ids(none).request_id, "");
}

// traceparent: the client's is replaced by the span given, and its tracestate goes with it;
// with no span (the client's was invalid) both are dropped.
TEST(Forward, TraceparentIsReplacedAndTracestateFollowsIt) {
  const auto req = parse_request(
      "GET / HTTP/1.1\r\nHost: h\r\n"
      "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
      "tracestate: congo=t61rcWkgMzE\r\n\r\n");
  const auto parent = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  ASSERT_TRUE(parent);
  const TraceParent span = parent->child();
  ForwardedFor fwd{"10.1.2.3"};
  fwd.trace = &span;
  std::string head = upstream_request_head(req, fwd, Framing::none, 0);
  EXPECT_TRUE(has_line(head, "traceparent: " + span.text())) << head;
  EXPECT_EQ(head.find("b7ad6b7169203331"), std::string::npos) << head;
  EXPECT_TRUE(has_line(head, "tracestate: congo=t61rcWkgMzE")) << head;
  head = upstream_request_head(req, {"10.1.2.3"}, Framing::none, 0);
  EXPECT_EQ(head.find("trace"), std::string::npos) << head;
}

// The client's answer carries the request's ID, in place of any the upstream sent, on a 101
// as on any response.
TEST(Forward, ResponseHeadCarriesTheRequestId) {
  const auto res =
      parse_response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Request-Id: upstream-made\r\n\r\n");
  std::string head =
      client_response_head(res, 11, Framing::length, 0, true, "1.1 conv", "", "abc-123");
  EXPECT_TRUE(has_line(head, "X-Request-Id: abc-123")) << head;
  EXPECT_EQ(head.find("upstream-made"), std::string::npos) << head;
  head = client_response_head(res, 11, Framing::length, 0, true, "1.1 conv");
  EXPECT_TRUE(has_line(head, "X-Request-Id: upstream-made")) << head;
}

TEST(Forward, RefusesAmbiguousUpstreamResponses) {
  // Built by hand: Beast's parser already refuses this one on the wire.
  ResponseHeader both;
  both.result(200);
  both.set(bhttp::field::content_length, "5");
  both.set(bhttp::field::transfer_encoding, "chunked");
  EXPECT_TRUE(check_upstream_response(both));
  ResponseHeader two;
  two.result(200);
  two.insert(bhttp::field::content_length, "5");
  two.insert(bhttp::field::content_length, "6");
  EXPECT_TRUE(check_upstream_response(two));
  EXPECT_TRUE(check_upstream_response(
      parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")));
  EXPECT_FALSE(
      check_upstream_response(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")));
}

// Found by tests/fuzz/upstream_response: Beast accepts any three digits as a status.
TEST(Forward, RefusesStatusCodesOutside100To599) {
  for (const char* line :
       {"HTTP/1.1 000 OK", "HTTP/1.1 099 X", "HTTP/1.1 600 X", "HTTP/1.0 999 X"}) {
    const auto res = parse_response(std::string(line) + "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_TRUE(check_upstream_response(res)) << line;
  }
  for (const char* line : {"HTTP/1.1 100 Continue", "HTTP/1.1 599 X"}) {
    const auto res = parse_response(std::string(line) + "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_FALSE(check_upstream_response(res)) << line;
  }
}

}  // namespace
}  // namespace conv::balancer
