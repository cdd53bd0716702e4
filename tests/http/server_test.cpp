#include "conv/http/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <thread>

#include "conv/http/error_response.hpp"
#include "conv/http/target.hpp"
#include "test_client.hpp"

namespace conv::http {
namespace {

using conv::testing::get_request;
using conv::testing::TestClient;
using namespace std::chrono_literals;

// Echoes what it got; "/slow?ms=N" answers after N ms (asynchronously, on the connection's
// executor); "/big?n=N" answers N bytes; "/throw" throws.
class TestHandler : public Handler {
 public:
  void handle(const RequestHeader& req, std::string_view body, const RequestInfo&,
              Responder responder) override {
    const auto target = parse_target(req.target());
    if (target && target->path == "/throw") throw std::runtime_error("boom");
    Response r;
    r.content_type = "text/plain";
    r.body = std::string(req.method_string()) + " " + std::string(req.target()) + " " +
             std::to_string(body.size());
    if (target && target->path == "/big")
      r.body.assign(std::stoul(target->query.at(0).second), 'b');
    if (target && target->path == "/slow") {
      slow_started.fetch_add(1);
      const int ms = std::stoi(target->query.at(0).second);
      auto timer = std::make_shared<boost::asio::steady_timer>(responder.executor());
      timer->expires_after(std::chrono::milliseconds(ms));
      timer->async_wait([timer, r = std::move(r), responder = std::move(responder)](
                            boost::system::error_code) mutable { responder.send(std::move(r)); });
      return;
    }
    responder.send(std::move(r));
  }

  std::atomic<int> slow_started{0};
};

class ServerTest : public ::testing::TestWithParam<IoModel> {
 protected:
  void start(ServerOptions opts = {}) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.threads = 2;
    opts.io_model = GetParam();
    log_ = AccessLog::open("off");
    server_ = std::make_unique<Server>(opts, handler_, metrics_, *log_, ResponseIdentity{"t1"});
    server_->bind();
    port_ = server_->local_endpoint().port();
    server_->start([this] { stopped_.set_value(); });
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      server_->wait();
    }
  }

  // Polls until a /slow request has reached the handler (bounded: 2 s).
  bool wait_for_slow_request() {
    for (int i = 0; i < 400; ++i) {
      if (handler_.slow_started.load() > 0) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  bool stopped_within(std::chrono::milliseconds t) {
    return stopped_.get_future().wait_for(t) == std::future_status::ready;
  }

  TestHandler handler_;
  Metrics metrics_{"t", {"none"}};
  std::unique_ptr<AccessLog> log_;
  std::unique_ptr<Server> server_;
  std::promise<void> stopped_;
  unsigned short port_ = 0;
};

TEST_P(ServerTest, ServesManyRequestsOnOneKeepAliveConnection) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send(get_request("/x" + std::to_string(i))));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->result_int(), 200);
    EXPECT_EQ(r->body(), "GET /x" + std::to_string(i) + " 0");
    EXPECT_EQ((*r)["Server"].substr(0, 5), "conv/");
    EXPECT_EQ((*r)["X-Served-By"], "t1");
    EXPECT_FALSE((*r)["Date"].empty());
    EXPECT_EQ((*r)["Content-Length"], std::to_string(r->body().size()));
    EXPECT_TRUE(r->keep_alive());
  }
}

TEST_P(ServerTest, AnswersPipelinedRequestsInOrder) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send(get_request("/a") + get_request("/slow?ms=50") + get_request("/c")));
  for (const char* want : {"GET /a 0", "GET /slow?ms=50 0", "GET /c 0"}) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), want);
  }
}

TEST_P(ServerTest, IgnoresEmptyLinesBetweenPipelinedRequests) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send("\r\n" + get_request("/a") + "\r\n\r\n" + get_request("/b")));
  for (const char* want : {"GET /a 0", "GET /b 0"}) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), want);
  }
}

TEST_P(ServerTest, ReadsBodiesWithLengthAndChunked) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "POST /p 5");
  ASSERT_TRUE(
      c.send("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
             "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "POST /q 5");
}

// Found by tests/fuzz/converter_session: the session fed Beast's parser the same partial final
// chunk twice, which trips an assertion in Beast (so this fails in the Debug-built `asan`
// preset; in Release the assertion is compiled out).
TEST_P(ServerTest, FinalChunkSplitAcrossReads) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"));
  EXPECT_FALSE(c.read_some(200ms));  // nothing: the body is not complete yet
  ASSERT_TRUE(c.send("\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "POST /q 0");
}

TEST_P(ServerTest, SendsContinueBeforeTheBody) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(
      c.send("PUT /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(c.send("abc"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "PUT /p 3");
}

TEST_P(ServerTest, HeadGetsLengthWithoutBody) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get_request("/after")));
  auto r = c.read_response(5000ms, true);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["Content-Length"], "9");  // "HEAD /h 0"
  EXPECT_TRUE(r->body().empty());
  auto next = c.read_response();  // framing intact: the next response follows directly
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "GET /after 0");
}

TEST_P(ServerTest, Http10ClosesUnlessKeepAliveAsked) {
  start();
  {
    TestClient c(port_);
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->version(), 10u);
    EXPECT_TRUE(c.closed_within(2000ms));
  }
  TestClient c(port_);
  ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["Connection"], "keep-alive");
  ASSERT_TRUE(c.send("GET /again HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(c.read_response());
}

TEST_P(ServerTest, HeaderBlockOverTheLimitIs431AndCloses) {
  ServerOptions o;
  o.max_header_bytes = 4096;
  start(o);
  TestClient c(port_);
  ASSERT_TRUE(c.send(get_request("/", "X-Big: " + std::string(8000, 'a') + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 431);
  EXPECT_EQ(r->body().rfind("{\"error\":{\"status\":431,\"code\":\"header_too_large\"", 0), 0u);
  EXPECT_EQ((*r)["Connection"], "close");
  EXPECT_TRUE(c.closed_within(3000ms));
}

TEST_P(ServerTest, BodyOverTheLimitIs413BeforeItIsSent) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  start(o);
  TestClient c(port_);
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_NE(r->body().find("body_too_large"), std::string::npos);
}

TEST_P(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions o;
  o.max_body_bytes = 10;
  start(o);
  TestClient c(port_);
  ASSERT_TRUE(
      c.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
}

TEST_P(ServerTest, MalformedRequestsAre400Json) {
  start();
  for (const std::string bad :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n"}) {
    TestClient c(port_);
    ASSERT_TRUE(c.send(bad));
    auto r = c.read_response();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->result_int(), 400) << bad;
    EXPECT_EQ((*r)["Content-Type"], "application/json");
    EXPECT_TRUE(c.closed_within(3000ms)) << bad;
  }
}

TEST_P(ServerTest, HandlerExceptionsBecome500Json) {
  start();
  TestClient c(port_);
  ASSERT_TRUE(c.send(get_request("/throw")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500);
  EXPECT_NE(r->body().find("internal_error"), std::string::npos);
  ASSERT_TRUE(c.send(get_request("/fine")));  // the connection survives
  EXPECT_TRUE(c.read_response());
}

TEST_P(ServerTest, SlowlorisGets408WithinTheHeaderTimeout) {
  ServerOptions o;
  o.header_timeout = 300ms;
  start(o);
  TestClient c(port_);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\n"));
  std::optional<conv::testing::TestResponse> r;
  // Trickle a header byte every 50 ms: each byte is progress, but not enough.
  for (int i = 0; i < 100 && !r; ++i) {
    if (!c.send("X")) break;
    r = c.read_response(50ms);
  }
  if (!r) r = c.read_response(2000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 408);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
  EXPECT_TRUE(c.closed_within(3000ms));
}

TEST_P(ServerTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions o;
  o.idle_timeout = 200ms;
  start(o);
  TestClient c(port_);
  ASSERT_TRUE(c.send(get_request("/")));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_within(3000ms));
  EXPECT_TRUE(c.pending().empty());  // silently: no 408 for a connection with no request
}

TEST_P(ServerTest, ConnectionsOverTheCapGet503) {
  ServerOptions o;
  o.max_connections = 2;
  start(o);
  TestClient a(port_), b(port_);
  for (TestClient* c : {&a, &b}) {
    ASSERT_TRUE(c->send(get_request("/")));
    ASSERT_TRUE(c->read_response());
  }
  TestClient extra(port_);
  auto r = extra.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 503);
  EXPECT_NE(r->body().find("too_many_connections"), std::string::npos);
  EXPECT_EQ(server_->open_connections(), 2u);
}

// With a listener per thread the kernel picks each connection's thread by a hash (256
// connections split 120/136 as often as 128/128); the server evens them out, as HAProxy does:
// within 2 (two threads accepting at the same instant may both pick the same one).
TEST_P(ServerTest, SpreadsConnectionsEvenlyOverTheWorkers) {
  start();
  constexpr std::size_t kConnections = 256;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (std::size_t i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<TestClient>(port_));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  // Every connection is served, the ones handed to another thread too; an answer also means
  // its session has started and is counted.
  for (auto& c : clients) {
    ASSERT_TRUE(c->send(get_request("/")));
    auto r = c->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 200);
  }
  const auto per_worker = server_->connections_per_worker();
  std::size_t total = 0;
  for (auto n : per_worker) total += n;
  EXPECT_EQ(total, kConnections);
  if (GetParam() == IoModel::per_thread) {
    ASSERT_EQ(per_worker.size(), 2u);
    const auto [lo, hi] = std::minmax(per_worker[0], per_worker[1]);
    EXPECT_LE(hi - lo, 2u) << per_worker[0] << " / " << per_worker[1];
  }
  clients.clear();  // closed: the counts go back to zero
  for (int i = 0; i < 400; ++i) {
    const auto now = server_->connections_per_worker();
    std::size_t open = 0;
    for (auto n : now) open += n;
    if (open == 0) break;
    std::this_thread::sleep_for(5ms);
  }
  for (auto n : server_->connections_per_worker()) EXPECT_EQ(n, 0u);
}

TEST_P(ServerTest, ShutdownFinishesInFlightClosesIdleAndStops) {
  start();
  TestClient idle(port_);
  ASSERT_TRUE(idle.send(get_request("/")));
  ASSERT_TRUE(idle.read_response());
  TestClient busy(port_);
  ASSERT_TRUE(busy.send(get_request("/slow?ms=400")));
  ASSERT_TRUE(wait_for_slow_request());
  server_->shutdown();
  EXPECT_TRUE(server_->draining());
  EXPECT_TRUE(idle.closed_within(1000ms));
  auto r = busy.read_response(3000ms);
  ASSERT_TRUE(r) << "the request in flight was dropped";
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body(), "GET /slow?ms=400 0");
  EXPECT_EQ((*r)["Connection"], "close");
  EXPECT_TRUE(stopped_within(3000ms));
  server_->wait();
  TestClient late(port_);
  EXPECT_FALSE(late.connected() && late.send(get_request("/")) && late.read_response(500ms));
}

// A response already being written when draining starts was framed for keep-alive (no
// "Connection: close"); the connection must still end once it is out, not go idle and hold
// the shutdown up until its idle timeout.
TEST_P(ServerTest, AResponseBeingWrittenWhenDrainingStartsEndsItsConnection) {
  start();
  constexpr std::size_t kSize = 16 * 1024 * 1024;  // far beyond both sockets' buffers
  TestClient c(port_);
  ASSERT_TRUE(c.send(get_request("/big?n=" + std::to_string(kSize))));
  ASSERT_TRUE(c.read_some(10'000ms));  // the write is under way, blocked on the client
  server_->shutdown();
  auto r = c.read_response(10'000ms);
  ASSERT_TRUE(r) << "the response in flight was dropped";
  EXPECT_EQ(r->body().size(), kSize);
  EXPECT_TRUE(c.closed_within(2000ms)) << "the connection went idle after the response";
  EXPECT_TRUE(stopped_within(3000ms));
}

// stop() drops the request in flight: the client never gets an answer, and its connection is
// closed (once the server is gone, with its sockets), long before the handler would answer.
TEST_P(ServerTest, StopDropsWhatIsInFlight) {
  start();
  TestClient busy(port_);
  ASSERT_TRUE(busy.send(get_request("/slow?ms=10000")));
  ASSERT_TRUE(wait_for_slow_request());
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_TRUE(stopped_within(2000ms));
  server_->wait();
  EXPECT_FALSE(busy.read_some(100ms)) << "answered after stop(): " << busy.pending();
  server_.reset();
  EXPECT_TRUE(busy.closed_within(2000ms)) << "the connection stayed open";
  EXPECT_TRUE(busy.pending().empty()) << "the request in flight was answered: " << busy.pending();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5000ms);
}

// A client that sends a request and never reads the (large) response is cut off once the
// write timeout passes: not before (counted from the request), and within a bound after the
// response started (counted from its first bytes, so that a slow build's time to produce the
// 32 MiB does not count). It received only part of the response.
TEST_P(ServerTest, AClientThatDoesNotReadIsCutOffAfterTheWriteTimeout) {
  ServerOptions o;
  o.write_timeout = 300ms;
  start(o);
  constexpr std::size_t kSize = 32 * 1024 * 1024;  // far beyond both sockets' buffers
  TestClient c(port_);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send(get_request("/big?n=" + std::to_string(kSize))));
  ASSERT_TRUE(c.read_some(10'000ms));  // the first bytes; from here on, nothing is read
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000 && server_->open_connections() != 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  const auto cut = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->open_connections(), 0u) << "still open 5 s after the response started";
  EXPECT_GE(cut - sent, 300ms) << "cut before the write timeout";
  EXPECT_LT(cut - started, 3000ms);
  EXPECT_TRUE(c.closed_within(5000ms));  // reads what was sent before the cut, then the end
  EXPECT_LT(c.pending().size(), kSize);
  EXPECT_EQ(c.pending().rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(IoModels, ServerTest,
                         ::testing::Values(IoModel::per_thread, IoModel::shared),
                         [](const auto& info) {
                           return info.param == IoModel::per_thread ? "PerThread" : "Shared";
                         });

}  // namespace
}  // namespace conv::http
