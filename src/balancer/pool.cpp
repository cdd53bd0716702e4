#include "conv/balancer/pool.hpp"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>

namespace conv::balancer {

namespace {

constexpr std::chrono::milliseconds kTrustIdle{1000};

// An idle connection must have nothing to read: EOF or stray bytes mean the upstream closed
// it or broke the protocol.
bool still_open(boost::asio::ip::tcp::socket& s) {
  char c;
  const ssize_t n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

ConnectionPool::ConnectionPool(std::size_t upstreams, unsigned max_idle,
                               std::chrono::milliseconds idle_timeout)
    : idle_(upstreams), counters_(upstreams), max_idle_(max_idle), idle_timeout_(idle_timeout) {}

void UpstreamCounters::response(unsigned status, double seconds) {
  if (status >= 100 && status < 600) bump(responses[status / 100 - 1]);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  bump(buckets[b]);
  bump(time_micros, static_cast<std::uint64_t>(seconds * 1e6));
}

void ConnectionPool::count_attempt(std::size_t upstream, bool retry) {
  auto& c = counters_[upstream];
  UpstreamCounters::bump(c.attempts);
  if (retry) UpstreamCounters::bump(c.retries);
}

void ConnectionPool::set_pooled(std::size_t upstream) {
  counters_[upstream].pooled.store(idle_[upstream].size(), std::memory_order_relaxed);
}

std::unique_ptr<UpstreamConnection> ConnectionPool::take(
    std::size_t upstream, std::uint64_t generation, std::chrono::steady_clock::time_point now) {
  auto& list = idle_[upstream];
  while (!list.empty()) {
    auto conn = std::move(list.back());  // the most recently used: the warmest
    list.pop_back();
    if (now - conn->idle_since >= idle_timeout_ || conn->generation != generation) continue;
    // A connection idle for a moment is reused as is (a close that races with the reuse is
    // an empty answer, retried like any other); an older one is checked first.
    if (now - conn->idle_since < kTrustIdle || still_open(conn->socket)) {
      set_pooled(upstream);
      return conn;
    }
  }
  set_pooled(upstream);
  return nullptr;
}

void ConnectionPool::put(std::size_t upstream, std::unique_ptr<UpstreamConnection> conn,
                         std::chrono::steady_clock::time_point now) {
  auto& list = idle_[upstream];
  if (list.size() >= max_idle_ || conn->buffer.size() != 0) return;  // dropped: closes it
  conn->idle_since = now;
  list.push_back(std::move(conn));
  set_pooled(upstream);
}

void ConnectionPool::clear() {
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    idle_[i].clear();
    set_pooled(i);
  }
}

PoolSet::PoolSet(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout)
    : upstreams_(upstreams), max_idle_(max_idle), idle_timeout_(idle_timeout) {}

ConnectionPool& PoolSet::local() {
  return pools_.local(
      [this] { return std::make_unique<ConnectionPool>(upstreams_, max_idle_, idle_timeout_); });
}

std::uint64_t PoolSet::attempts(std::size_t upstream) const {
  std::uint64_t n = 0;
  pools_.for_each([&](const ConnectionPool& p) { n += p.attempts(upstream); });
  return n;
}

void PoolSet::clear_all() {
  pools_.for_each([](ConnectionPool& p) { p.clear(); });
}

}  // namespace conv::balancer
