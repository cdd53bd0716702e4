#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "conv/util/per_thread.hpp"

namespace conv::balancer {

// A connection to an upstream, with the bytes read from it but not yet parsed.
struct UpstreamConnection {
  explicit UpstreamConnection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
  boost::asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
  std::uint64_t generation = 0;  // the upstream's address generation it was opened under
};

// Idle keep-alive connections to each upstream, for one thread: no locking. At most
// `max_idle` per upstream; older than `idle_timeout`, or idle over a second and closed by the
// upstream meanwhile (a non-blocking peek when taken), and they are dropped. Also counts this
// thread's attempts per upstream, for /metrics, without sharing a cache line between threads.
class ConnectionPool {
 public:
  ConnectionPool(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout);
  // An idle connection to `upstream` opened under `generation` (older ones went to an address
  // the upstream no longer has, and are dropped).
  std::unique_ptr<UpstreamConnection> take(std::size_t upstream, std::uint64_t generation,
                                           std::chrono::steady_clock::time_point now);
  void put(std::size_t upstream, std::unique_ptr<UpstreamConnection> conn,
           std::chrono::steady_clock::time_point now);
  void clear();
  void count_attempt(std::size_t upstream);
  std::uint64_t attempts(std::size_t upstream) const {
    return attempts_[upstream].load(std::memory_order_relaxed);
  }

 private:
  std::vector<std::deque<std::unique_ptr<UpstreamConnection>>> idle_;
  std::vector<std::atomic<std::uint64_t>> attempts_;
  unsigned max_idle_;
  std::chrono::milliseconds idle_timeout_;
};

// One ConnectionPool per thread, created on first use. clear_all() must run while no thread
// uses them and before the io_contexts of their sockets are destroyed.
class PoolSet {
 public:
  PoolSet(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout);
  ConnectionPool& local();
  void clear_all();
  std::uint64_t attempts(std::size_t upstream) const;  // summed over threads

 private:
  std::size_t upstreams_;
  unsigned max_idle_;
  std::chrono::milliseconds idle_timeout_;
  util::PerThread<ConnectionPool> pools_;
};

}  // namespace conv::balancer
