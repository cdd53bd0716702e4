// The upstream connection pool on real loopback sockets: an idle connection must stay
// silent; one that speaks or closes is never reused, and is closed as soon as it does.
#include "conv/balancer/proxy/pool.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <cstring>

namespace conv::balancer {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connection to an in-test "upstream": our end goes into the pool, the test plays the
// upstream on the other end.
struct Pair {
  explicit Pair(net::io_context& io) : upstream(io) {
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    tcp::socket ours(io);
    ours.connect(acceptor.local_endpoint());
    acceptor.accept(upstream);
    conn = std::make_unique<UpstreamConnection>(std::move(ours));
  }
  tcp::socket upstream;
  std::unique_ptr<UpstreamConnection> conn;
};

class PoolTest : public ::testing::Test {
 protected:
  // Runs handlers until `done()` or 2 s; true if done.
  template <typename F>
  bool run_until(F done) {
    const auto until = Clock::now() + 2s;
    while (!done() && Clock::now() < until) {
      io.restart();
      io.run_for(10ms);
    }
    return done();
  }
  // True if the upstream's end sees EOF (our end closed) within 2 s.
  bool upstream_sees_close(tcp::socket& s) {
    s.non_blocking(true);
    return run_until([&] {
      char c;
      boost::system::error_code ec;
      s.read_some(net::buffer(&c, 1), ec);
      return ec == net::error::eof || ec == net::error::connection_reset;
    });
  }

  net::io_context io;
  ConnectionPool pool{1, 8, 30s};
};

TEST_F(PoolTest, ASilentIdleConnectionIsReused) {
  Pair p(io);
  auto* raw = p.conn.get();
  pool.put(0, std::move(p.conn), Clock::now());
  EXPECT_EQ(pool.idle(0), 1u);
  io.run_for(50ms);  // the watch stays armed: nothing to read
  EXPECT_EQ(pool.idle(0), 1u);
  auto again = pool.take(0, 0, Clock::now());
  EXPECT_EQ(again.get(), raw);
  // The watch was cancelled: bytes arriving now are the next response, for the exchange.
  net::write(p.upstream, net::buffer("x", 1));
  io.run_for(50ms);
  char c = 0;
  EXPECT_EQ(again->socket.read_some(net::buffer(&c, 1)), 1u);
  EXPECT_EQ(c, 'x');
}

// A stray byte while idle (a response nobody asked for, a late body): closed at once, as
// nginx's keepalive module does, not left for the next request to read as its answer.
TEST_F(PoolTest, AnIdleConnectionThatSpeaksIsClosedAtOnce) {
  Pair p(io);
  pool.put(0, std::move(p.conn), Clock::now());
  net::write(p.upstream, net::buffer("HTTP/1.1 200 OK\r\n\r\n", 19));
  EXPECT_TRUE(run_until([&] { return pool.idle(0) == 0; }));
  EXPECT_TRUE(upstream_sees_close(p.upstream));
  EXPECT_EQ(pool.counters(0).discarded.load(), 1u);
  EXPECT_EQ(pool.take(0, 0, Clock::now()), nullptr);
}

TEST_F(PoolTest, AnIdleConnectionTheUpstreamClosesIsDropped) {
  Pair p(io);
  pool.put(0, std::move(p.conn), Clock::now());
  p.upstream.close();
  EXPECT_TRUE(run_until([&] { return pool.idle(0) == 0; }));
  EXPECT_EQ(pool.counters(0).discarded.load(), 1u);
}

// The watch's completion may still be queued when a request takes the connection (here: no
// handler runs at all). take() peeks every time, however briefly the connection was idle.
TEST_F(PoolTest, TakeChecksEveryConnectionHoweverBrieflyIdle) {
  Pair p(io);
  const int fd = p.conn->socket.native_handle();
  pool.put(0, std::move(p.conn), Clock::now());
  net::write(p.upstream, net::buffer("late", 4));
  pollfd readable{fd, POLLIN, 0};  // the bytes are there; no handler has run
  ASSERT_EQ(::poll(&readable, 1, 2000), 1);
  EXPECT_EQ(pool.take(0, 0, Clock::now()), nullptr);
  EXPECT_EQ(pool.idle(0), 0u);
  EXPECT_EQ(pool.counters(0).discarded.load(), 1u);
  EXPECT_TRUE(upstream_sees_close(p.upstream));
}

// Arming a watch costs a system call; a connection taken again before watch_after never had
// one (the peek in take() keeps it safe), one idle longer is watched by the sweep.
TEST_F(PoolTest, OnlyConnectionsIdleForWatchAfterAreWatched) {
  ConnectionPool lazy{1, 8, 30s, false, 20ms};
  Pair a(io), b(io);
  auto* raw = a.conn.get();
  lazy.put(0, std::move(a.conn), Clock::now());
  EXPECT_FALSE(raw->watched);
  auto again = lazy.take(0, 0, Clock::now());
  ASSERT_EQ(again.get(), raw);
  EXPECT_FALSE(again->watched);
  auto* idle = b.conn.get();
  lazy.put(0, std::move(b.conn), Clock::now());
  EXPECT_TRUE(run_until([&] { return idle->watched; }));
  b.upstream.close();  // and the watch closes it at once
  EXPECT_TRUE(run_until([&] { return lazy.idle(0) == 0; }));
  EXPECT_EQ(lazy.counters(0).discarded.load(), 1u);
  lazy.clear();
}

// Expired connections are closed by the sweep, not left open until the next request.
TEST_F(PoolTest, TheSweepClosesExpiredConnectionsWithoutATake) {
  ConnectionPool quick{1, 8, 50ms, false, 10ms};
  Pair p(io);
  quick.put(0, std::move(p.conn), Clock::now());
  EXPECT_TRUE(run_until([&] { return quick.idle(0) == 0; }));
  EXPECT_TRUE(upstream_sees_close(p.upstream));
  EXPECT_EQ(quick.counters(0).discarded.load(), 0u);  // expired, not misbehaving
}

// A large body is read a relay piece at a time, not into the 512 bytes a head's read leaves
// the buffer (Beast reads into the room the buffer has): 64 KiB a system call, not 512.
TEST_F(PoolTest, ABodyIsReadAPieceAtATime) {
  Pair p(io);
  auto& buffer = p.conn->buffer;
  buffer.commit(net::buffer_copy(buffer.prepare(512), net::buffer(std::string(512, 'h'))));
  buffer.consume(buffer.size());  // a head, parsed
  ASSERT_LT(boost::beast::read_size(buffer, 65536), 1024u);
  p.conn->size_for_body(64 * 1024);
  EXPECT_EQ(boost::beast::read_size(buffer, 65536), 64u * 1024);
  p.conn->size_for_body(1u << 30);  // never past kMaxBuffered
  EXPECT_LE(buffer.capacity(), UpstreamConnection::kMaxBuffered);
}

// ...and gives that room back when it goes idle: 1,024 pooled connections must not hold
// 64 KiB each because each once carried a large body.
TEST_F(PoolTest, APooledConnectionKeepsOnlyAHeadsRoom) {
  Pair p(io);
  p.conn->size_for_body(64 * 1024);
  ASSERT_GE(p.conn->buffer.capacity(), 64u * 1024);
  pool.put(0, std::move(p.conn), Clock::now());
  auto again = pool.take(0, 0, Clock::now());
  ASSERT_NE(again, nullptr);
  EXPECT_LE(again->buffer.capacity(), UpstreamConnection::kIdleCapacity);
}

TEST_F(PoolTest, AConnectionWithUnparsedBytesIsNeverPooled) {
  Pair p(io);
  auto b = p.conn->buffer.prepare(3);
  std::memcpy(b.data(), "abc", 3);
  p.conn->buffer.commit(3);
  pool.put(0, std::move(p.conn), Clock::now());
  EXPECT_EQ(pool.idle(0), 0u);
  EXPECT_TRUE(upstream_sees_close(p.upstream));
}

TEST_F(PoolTest, OldOrStaleGenerationConnectionsAreDropped) {
  Pair a(io), b(io);
  const auto t0 = Clock::now();
  a.conn->generation = 2;
  pool.put(0, std::move(a.conn), t0 - 31s);  // idle longer than the idle timeout
  b.conn->generation = 1;
  pool.put(0, std::move(b.conn), t0);
  EXPECT_EQ(pool.take(0, 2, t0), nullptr);  // the upstream's address changed since
  EXPECT_EQ(pool.idle(0), 0u);
}

}  // namespace
}  // namespace conv::balancer
