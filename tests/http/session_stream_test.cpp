// The session is generic over its stream: compiled here for a stream of the test's own (a
// wrapper around the TCP socket, as Beast's ssl_stream is), it answers byte for byte as the
// plain session does, every byte passes through the stream, the limits do not depend on how
// the stream splits the input, and the deadlines still reach the socket under it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>
#include <regex>
#include <thread>

#include "body_handler.hpp"
#include "conv/http/impl/session.hpp"
#include "conv/http/session.hpp"
#include "test_client.hpp"

namespace conv::http {
namespace {

namespace net = boost::asio;
using boost::system::error_code;
using conv::testing::body_mode_name;
using conv::testing::body_modes;
using conv::testing::BodyHandler;
using conv::testing::request_with_header_of;
using conv::testing::TestClient;
using net::ip::tcp;
using namespace std::chrono_literals;

// What went through a ChoppedStream; written on the server's thread, read on the test's.
struct Record {
  std::mutex mutex;
  std::string read, written;
  void add(std::string& to, const void* data, std::size_t n) {
    std::lock_guard lock(mutex);
    to.append(static_cast<const char*>(data), n);
  }
};

// A stream over a TCP socket that reads and writes at most `piece` bytes per operation and
// records every byte: a layer the session knows nothing of, as TLS will be.
class ChoppedStream {
 public:
  using executor_type = tcp::socket::executor_type;
  ChoppedStream(tcp::socket socket, std::size_t piece, std::shared_ptr<Record> record)
      : next_(std::move(socket)), piece_(piece), record_(std::move(record)) {}

  executor_type get_executor() { return next_.get_executor(); }
  tcp::socket& next_layer() { return next_; }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return relay(buffers, token, record_->read,
                 [this](auto b, auto h) { next_.async_read_some(b, std::move(h)); });
  }
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return relay(buffers, token, record_->written,
                 [this](auto b, auto h) { next_.async_write_some(b, std::move(h)); });
  }

 private:
  // Runs `op` on the first `piece_` bytes of `buffers`, recording what it moved into `into`.
  template <typename Buffers, typename Token, typename Op>
  auto relay(const Buffers& buffers, Token& token, std::string& into, Op op) {
    const auto first = *net::buffer_sequence_begin(buffers);
    const auto part = net::buffer(first, piece_);
    return net::async_initiate<Token, void(error_code, std::size_t)>(
        [this, part, &into, op](auto handler) {
          op(part,
             [this, part, &into, h = std::move(handler)](error_code ec, std::size_t n) mutable {
               record_->add(into, part.data(), n);
               std::move(h)(ec, n);
             });
        },
        token);
  }

  tcp::socket next_;
  std::size_t piece_;
  std::shared_ptr<Record> record_;
};

// A loopback listener whose connections get a session over a ChoppedStream of `piece` bytes,
// or (piece 0) the plain session the server runs, on a thread of its own.
class StreamServer {
 public:
  StreamServer(ServerOptions options, Handler& handler, std::size_t piece)
      : shared_{options, handler, metrics_, *log_, ResponseIdentity{"t"}, 50ms}, piece_(piece) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~StreamServer() {
    ioc_.stop();
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  Record& record() { return *record_; }
  // True once every session has ended (the record is complete).
  bool all_closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (shared_.connections.load() != 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) return;
      shared_.connections.fetch_add(1);
      if (piece_ == 0) {
        std::make_shared<detail::Session>(std::move(socket), shared_, registry_)->start();
      } else {
        ChoppedStream stream(std::move(socket), piece_, record_);
        std::make_shared<detail::BasicSession<ChoppedStream>>(std::move(stream), shared_, registry_)
            ->start();
      }
      accept();
    });
  }

  // Declared before the io_context: sessions it still holds unregister when it goes.
  Metrics metrics_{"t", {"none"}};
  std::unique_ptr<AccessLog> log_ = AccessLog::open("off");
  detail::ServerShared shared_;
  detail::ConnectionRegistry registry_;
  std::shared_ptr<Record> record_ = std::make_shared<Record>();
  std::size_t piece_;
  net::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_, {net::ip::make_address("127.0.0.1"), 0}};
  std::thread thread_;
};

// Everything the server sends for `wire` until it closes, with the Date fields blanked (they
// differ between runs a second apart).
std::string exchange(StreamServer& server, const std::string& wire) {
  TestClient client(server.port());
  EXPECT_TRUE(client.send(wire));
  EXPECT_TRUE(client.closed_within(5s));
  return std::regex_replace(client.pending(), std::regex("Date: [^\r]*\r\n"), "Date: -\r\n");
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const std::string kPipelined =
    "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
    "POST /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    "GET /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

class SessionStreamTest : public ::testing::TestWithParam<Handler::BodyMode> {
 protected:
  BodyHandler handler_{GetParam()};
};

TEST_P(SessionStreamTest, AnswersAsThePlainSessionWithEveryByteThroughTheStream) {
  StreamServer plain({}, handler_, 0);
  const std::string expected = exchange(plain, kPipelined);
  // Three answers: the two GETs' empty bodies and the 11 bytes of the chunked POST.
  EXPECT_EQ(count(expected, "HTTP/1.1 200 OK\r\n"), 3u);
  EXPECT_NE(expected.find("\r\n\r\n0HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(expected.find("\r\n\r\n11HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_TRUE(expected.ends_with("Connection: close\r\n\r\n0")) << expected;
  for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{16384}}) {
    StreamServer chopped({}, handler_, piece);
    const std::string got = exchange(chopped, kPipelined);
    EXPECT_EQ(got, expected) << piece;
    ASSERT_TRUE(chopped.all_closed_within(5s)) << piece;
    std::lock_guard lock(chopped.record().mutex);
    EXPECT_EQ(chopped.record().read, kPipelined) << piece;
    EXPECT_EQ(
        std::regex_replace(chopped.record().written, std::regex("Date: [^\r]*\r\n"), "Date: -\r\n"),
        expected)
        << piece;
  }
}

unsigned status_of(StreamServer& server, const std::string& wire) {
  TestClient client(server.port());
  if (!client.send(wire)) return 0;
  auto response = client.read_response();
  return response ? response->result_int() : 0;
}

// The limit is the reader's, on what was received, not on what each read of the stream brought.
TEST_P(SessionStreamTest, TheHeaderLimitIsExactThroughOneByteReads) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  StreamServer chopped(options, handler_, 1);
  EXPECT_EQ(status_of(chopped, request_with_header_of(1024)), 200u);
  EXPECT_EQ(status_of(chopped, request_with_header_of(1025)), 431u);
}

// The session's timer cancels the read of the stream through the socket under it.
TEST_P(SessionStreamTest, AStalledHeaderGets408ThroughTheStream) {
  ServerOptions options;
  options.header_timeout = 300ms;
  StreamServer chopped(options, handler_, 7);
  TestClient client(chopped.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: t\r\n"));
  auto response = client.read_response(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(client.closed_within(3s));
}

INSTANTIATE_TEST_SUITE_P(BodyModes, SessionStreamTest, body_modes(), body_mode_name);

}  // namespace
}  // namespace conv::http
