// What one connection may make the server hold or wait for, in both body modes (the
// converter's buffered one and the balancer's streamed one): the header limit exactly,
// chunk metadata bounded, the body deadline a total one (with an optional minimum rate), a
// silent new connection closed by the header timeout.
#include "conv/http/session.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "body_handler.hpp"
#include "conv/http/body_error.hpp"
#include "conv/http/server.hpp"
#include "test_client.hpp"

namespace conv::http {
namespace {

using conv::testing::body_mode_name;
using conv::testing::body_modes;
using conv::testing::BodyHandler;
using conv::testing::request_with_header_of;
using conv::testing::TestClient;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SessionTest : public ::testing::TestWithParam<Handler::BodyMode> {
 protected:
  void start(ServerOptions opts) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.threads = 1;
    handler_ = std::make_unique<BodyHandler>(GetParam());
    server_ = std::make_unique<Server>(opts, *handler_, metrics_, *log_, ResponseIdentity{"t"});
    server_->bind();
    port_ = server_->local_endpoint().port();
    server_->start();
  }
  void TearDown() override {
    if (!server_) return;
    server_->stop();
    server_->wait();
  }

  // The status the server answers `wire`, sent in pieces of `piece` bytes (0: at once).
  unsigned status_of(const std::string& wire, std::size_t piece = 0) {
    TestClient c(port_);
    for (std::size_t at = 0; at < wire.size();) {
      const std::size_t n = piece == 0 ? wire.size() : std::min(piece, wire.size() - at);
      if (!c.send(std::string_view(wire).substr(at, n))) break;  // the server may cut us off
      at += n;
    }
    auto r = c.read_response();
    last_body_ = r ? r->body() : "";
    return r ? r->result_int() : 0;
  }

  std::unique_ptr<BodyHandler> handler_;
  Metrics metrics_{"t", {"none"}};
  std::unique_ptr<AccessLog> log_ = AccessLog::open("off");
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::string last_body_;
};

// Beast alone let about twice the limit through when the block came in one or two reads.
TEST_P(SessionTest, TheHeaderLimitIsExactHoweverTheBytesArrive) {
  ServerOptions o;
  o.max_header_bytes = 4096;
  start(o);
  for (const std::size_t piece : {std::size_t{0}, std::size_t{3000}, std::size_t{512}}) {
    EXPECT_EQ(status_of(request_with_header_of(4096), piece), 200u) << piece;
    EXPECT_EQ(status_of(request_with_header_of(4097), piece), 431u) << piece;
    EXPECT_EQ(status_of(request_with_header_of(6000), piece), 431u) << piece;
  }
}

std::string chunked_post(std::string_view body) {
  return "POST /p HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(body);
}

// Beast waits for a chunk-size line's end without a bound: 48 MiB of extension grew the
// converter by 96 MiB and got no answer. Now a few KiB are the most.
TEST_P(SessionTest, AChunkSizeLineIsCappedAtAFewKiB) {
  start({});
  const std::string ok = "5;name=value\r\nhello\r\n0\r\n\r\n";
  EXPECT_EQ(status_of(chunked_post(ok)), 200u);
  EXPECT_EQ(last_body_, "5");
  const std::string long_extension = "5;" + std::string(64 * 1024, 'x');
  EXPECT_EQ(status_of(chunked_post(long_extension)), 400u);
  EXPECT_NE(last_body_.find("chunk-size line longer than"), std::string::npos) << last_body_;
  EXPECT_EQ(status_of(chunked_post("3\r\nabc\r\n" + long_extension)), 400u);  // not the first
  const std::string zeros = std::string(64 * 1024, '0');  // a size that never ends
  EXPECT_EQ(status_of(chunked_post(zeros)), 400u);
  EXPECT_EQ(status_of(chunked_post(zeros), 1000), 400u);
}

TEST_P(SessionTest, TrailersCountAgainstTheHeaderLimit) {
  ServerOptions o;
  o.max_header_bytes = 4096;
  start(o);
  EXPECT_EQ(status_of(chunked_post("3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n")), 200u);
  // Header block and trailer fields exactly at the limit, and one byte over (the blank line
  // that ends the trailers is not a field).
  const std::string head = chunked_post("");
  auto trailer = [&](std::size_t total) {
    const std::string start = "X-T: ";
    return start + std::string(total - head.size() - start.size() - 2, 't') + "\r\n\r\n";
  };
  for (const std::size_t piece : {std::size_t{0}, std::size_t{700}}) {
    EXPECT_EQ(status_of(chunked_post("3\r\nabc\r\n0\r\n" + trailer(4096)), piece), 200u) << piece;
    EXPECT_EQ(status_of(chunked_post("3\r\nabc\r\n0\r\n" + trailer(4097)), piece), 431u) << piece;
  }
  const std::string unended = "X-T: " + std::string(6000, 't');
  EXPECT_EQ(status_of(chunked_post("0\r\n" + unended)), 431u);
}

// Sends the header of a `length`-byte POST, then `pieces` pieces of `piece` bytes, `gap`
// apart, and returns the status and how long after the header it came.
std::pair<unsigned, Clock::duration> paced_upload(unsigned short port, std::size_t pieces,
                                                  std::size_t piece,
                                                  std::chrono::milliseconds gap) {
  TestClient c(port);
  const auto length = pieces * piece;
  c.send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n");
  const auto start = Clock::now();
  const std::string data(piece, 'b');
  for (std::size_t i = 0; i < pieces; ++i) {
    if (c.closed_within(gap) || !c.send(data)) break;  // paced by a deliberately slow client
  }
  auto r = c.read_response(10'000ms);
  return {r ? r->result_int() : 0, Clock::now() - start};
}

// The body deadline counted from each read (an idle timeout) let a body trickled a byte at a
// time stay open for ever. It is a total one now, in both modes.
TEST_P(SessionTest, TheBodyDeadlineIsATotalOne) {
  ServerOptions o;
  o.body_timeout = 500ms;
  start(o);
  const auto [status, after] = paced_upload(port_, 40, 1, 100ms);  // 4 s if it were allowed
  EXPECT_EQ(status, 408u);
  EXPECT_GE(after, 450ms);
  EXPECT_LT(after, 1500ms);
}

// With a minimum rate, each byte buys time: a long upload at a good rate passes, a trickle
// still fails.
TEST_P(SessionTest, AMinimumBodyRateLetsFastLongUploadsThrough) {
  ServerOptions o;
  o.body_timeout = 300ms;
  o.min_body_rate = 20'000;  // bytes per second: 4000 bytes buy 200 ms
  start(o);
  const auto [fast, took] = paced_upload(port_, 20, 4000, 40ms);  // over 0.8 s, 100 KB/s
  EXPECT_EQ(fast, 200u);
  EXPECT_GT(took, 300ms);  // past the plain timeout
  const auto [trickle, after] = paced_upload(port_, 40, 1, 100ms);
  EXPECT_EQ(trickle, 408u);
  EXPECT_LT(after, 1500ms);
}

TEST_P(SessionTest, ASilentNewConnectionIsClosedByTheHeaderTimeout) {
  ServerOptions o;
  o.header_timeout = 300ms;  // the idle timeout stays 60 s
  start(o);
  TestClient c(port_);
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.closed_within(3000ms));
  EXPECT_LT(Clock::now() - t0, 2000ms);
}

TEST_P(SessionTest, AnErrorInTheHeaderSaysHeader) {
  start({});
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: t\r\nBad\x01Name: x\r\n\r\n"), 400u);
  EXPECT_EQ(last_body_.find("body"), std::string::npos) << last_body_;
  EXPECT_NE(last_body_.find("header"), std::string::npos) << last_body_;
}

// At the largest header limit, a field as long as it allows is served: no field that Beast
// cannot hold (64 KiB) gets through, in the header or the trailers.
TEST_P(SessionTest, TheLargestHeaderLimitHoldsItsLongestField) {
  ServerOptions o;
  o.max_header_bytes = kMaxHeaderBytesLimit;
  start(o);
  EXPECT_EQ(status_of(request_with_header_of(kMaxHeaderBytesLimit)), 200u);
  EXPECT_EQ(status_of(request_with_header_of(kMaxHeaderBytesLimit + 1)), 431u);
  const std::string head = chunked_post("");
  const std::string field = "X-T: " + std::string(kMaxHeaderBytesLimit - head.size() - 7, 't');
  EXPECT_EQ(status_of(chunked_post("1\r\na\r\n0\r\n" + field + "\r\n\r\n")), 200u);
  EXPECT_EQ(status_of(chunked_post("1\r\na\r\n0\r\n" + field + "tt\r\n\r\n")), 431u);
}

INSTANTIATE_TEST_SUITE_P(BodyModes, SessionTest, body_modes(), body_mode_name);

}  // namespace
}  // namespace conv::http
