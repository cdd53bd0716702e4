#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "conv/balancer/proxy/upstream_counters.hpp"
#include "conv/tls/client_context.hpp"
#include "conv/util/per_thread.hpp"

namespace conv::balancer {

// A connection to an upstream, with the bytes read from it but not yet parsed.
struct UpstreamConnection {
  // What may be buffered from an upstream but not yet parsed: a response head, or chunk
  // metadata (a chunk-size line, the trailers). An upstream that never ends one gets an
  // error, not our memory. At most 64 KiB, so that no field fits that Beast would throw for
  // (a field value of 65,534 bytes or more: std::length_error, out of an async read).
  static constexpr std::size_t kMaxBuffered = 64 * 1024;

  // What a pooled connection's buffer keeps: room for a head, not for a large body's pieces.
  static constexpr std::size_t kIdleCapacity = 4 * 1024;

  explicit UpstreamConnection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}

  // Beast reads a body into the room the buffer already has (at least 512 bytes), and a
  // head's read leaves it about that much: a large body would come 512 bytes a system call.
  // Its pieces are read `piece` bytes at a time instead (at most kMaxBuffered).
  void size_for_body(std::size_t piece) {
    if (buffer.capacity() < piece) buffer.reserve(std::min(piece, kMaxBuffered));
  }
  // Gives back the room a large body took, when the connection goes idle.
  void trim_for_idle() {
    if (buffer.capacity() > kIdleCapacity) buffer.shrink_to_fit();
  }

  // Runs f on the stream requests and responses go over: the socket, or for an upstream with
  // TLS the TLS stream over it. One branch, no indirection, on the plain path.
  template <typename F>
  void io(F&& f) {
    if (tls) [[unlikely]] {
      f(*tls);
    } else {
      f(socket);
    }
  }

  boost::asio::ip::tcp::socket socket;
  // Over `socket` (destroyed before it); null for plain TCP.
  std::unique_ptr<tls::ClientStream> tls;
  bool session_saved = false;  // its TLS session was kept for resumption (ConnectionPool)
  boost::beast::flat_buffer buffer{kMaxBuffered};
  std::chrono::steady_clock::time_point idle_since;
  std::uint64_t generation = 0;      // the upstream's address generation it was opened under
  std::uint64_t idle_serial = 0;     // which stay in the pool this is (see ConnectionPool)
  bool watched = false;              // its idle watch is armed
  std::array<char, 1> watch_byte{};  // where the idle watch reads (ConnectionPool::watch)
};

// Idle keep-alive connections to each upstream, for one thread. At most `max_idle` per
// upstream; older than `idle_timeout` they are dropped (by the sweep, or when next looked at).
//
// An idle connection must stay silent: bytes or an EOF from it while it waits are a stray
// response or a close, and a request sent on it would be answered by them (a response
// desync between clients). So every connection is peeked just before reuse, however briefly
// it was idle: one recv(MSG_PEEK) that must find nothing.
//
// A connection idle for `watch_after` or longer is also watched, as nginx's upstream
// keepalive does: a one-byte read is started, and if it completes (the upstream spoke or
// closed) the connection is closed at once, so that no socket lingers in CLOSE_WAIT. A
// connection reused sooner is not watched at all: arming a watch costs a system call (Asio
// tries the read at once, or re-arms epoll for a wait), and under load most connections are
// taken again within microseconds; the peek keeps them safe. A sweep timer on the pool's
// thread watches the connections as they reach `watch_after` and drops the expired ones;
// it runs only while the pool holds connections. (watch_after 0: watched when put back.)
//
// Over TLS the idle watch cannot read a byte of the socket (it would eat a TLS record), and a
// TLS 1.3 server may send session tickets after the handshake: the watch of a TLS connection
// waits for the socket to be readable, then reads through TLS without blocking. Tickets (and
// other post-handshake messages) are taken in and the watch goes on; application data, a
// close_notify, an EOF or an error close the connection. The peek before reuse does the same.
//
// Also keeps, per upstream, the last TLS session a connection to it got, to resume on the next
// new connection (this thread's only: no lock).
//
// take() and put() run on the pool's own thread; watches and the sweep complete on whichever
// thread runs the sockets' io_context, which is the same thread but in the `shared` I/O model:
// there (`locked`) a mutex guards the lists; in the per-thread model nothing needs one. Also
// holds this thread's counters per upstream, without sharing a cache line between threads.
// Indexed by UpstreamTable index, for up to `upstreams` upstreams. clear() must run before the
// sockets' io_context is destroyed.
class ConnectionPool {
 public:
  // How long a connection stays idle before the pool watches it (see above).
  static constexpr std::chrono::milliseconds kWatchAfter{100};

  ConnectionPool(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout,
                 bool locked = false, std::chrono::milliseconds watch_after = kWatchAfter);
  // An idle connection to `upstream` opened under `generation` (older ones went to an address
  // the upstream no longer has, and are dropped).
  std::unique_ptr<UpstreamConnection> take(std::size_t upstream, std::uint64_t generation,
                                           std::chrono::steady_clock::time_point now);
  // Keeps `conn` for reuse, if it has nothing buffered and the pool has room; else closes it.
  // Only for a connection whose last response was read to its exact, certain end.
  void put(std::size_t upstream, std::unique_ptr<UpstreamConnection> conn,
           std::chrono::steady_clock::time_point now);
  void clear();
  // The TLS session to offer a new connection to `upstream` (null: none yet).
  SSL_SESSION* session(std::size_t upstream) const { return sessions_[upstream].get(); }
  void keep_session(std::size_t upstream, tls::SessionPtr s) { sessions_[upstream] = std::move(s); }
  // Idle connections to `upstream` now.
  std::size_t idle(std::size_t upstream) const;
  void count_attempt(std::size_t upstream, bool retry = false);
  UpstreamCounters& counters(std::size_t upstream) { return counters_[upstream]; }
  const UpstreamCounters& counters(std::size_t upstream) const { return counters_[upstream]; }
  std::uint64_t attempts(std::size_t upstream) const {
    return counters_[upstream].attempts.load(std::memory_order_relaxed);
  }

 private:
  void set_pooled(std::size_t upstream);
  void watch(std::size_t upstream, UpstreamConnection& conn);
  void on_readable(std::size_t upstream, std::uint64_t serial);
  // Arms the sweep for `at` unless it is armed for then or sooner. Under guard().
  void sweep_at(std::chrono::steady_clock::time_point at, const boost::asio::any_io_executor& ex);
  void sweep();
  std::unique_lock<std::mutex> guard() const {
    return locked_ ? std::unique_lock(mutex_) : std::unique_lock<std::mutex>();
  }

  const bool locked_;
  mutable std::mutex mutex_;
  std::uint64_t next_serial_ = 0;
  std::vector<std::vector<std::unique_ptr<UpstreamConnection>>> idle_;  // LIFO
  std::vector<UpstreamCounters> counters_;
  std::vector<tls::SessionPtr> sessions_;  // by upstream; only this pool's thread uses them
  unsigned max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::chrono::milliseconds watch_after_;
  std::unique_ptr<boost::asio::steady_timer> sweep_;  // on the first socket's executor
  std::optional<std::chrono::steady_clock::time_point> sweep_due_;  // armed for then
};

// One ConnectionPool per thread, created on first use. clear_all() must run while no thread
// uses them and before the io_contexts of their sockets are destroyed.
class PoolSet {
 public:
  // `shared_io`: the server runs one io_context on every thread (IoModel::shared).
  PoolSet(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout,
          bool shared_io = false);
  ConnectionPool& local();
  void clear_all();
  // Draining: closes this thread's idle connections (every thread's in the shared I/O model),
  // and from now on none is kept (see draining()), so that no idle connection, watched or
  // swept, holds the server's drain up until its timeout. On each worker thread as it drains.
  void drain_local();
  // Whether a finished connection must be closed rather than put back.
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  std::uint64_t attempts(std::size_t upstream) const;  // summed over threads
  // Calls f(const ConnectionPool&) for each thread's pool (under a lock: not for requests).
  template <typename F>
  void for_each(F&& f) const {
    pools_.for_each(std::forward<F>(f));
  }

 private:
  std::size_t upstreams_;
  unsigned max_idle_;
  std::chrono::milliseconds idle_timeout_;
  bool shared_io_;
  std::atomic<bool> draining_{false};
  util::PerThread<ConnectionPool> pools_;
};

}  // namespace conv::balancer
