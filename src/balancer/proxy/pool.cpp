#include "conv/balancer/proxy/pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace conv::balancer {

namespace {

// An idle connection must have nothing to read: EOF or stray bytes mean the upstream closed
// it or broke the protocol.
bool silent(boost::asio::ip::tcp::socket& s) {
  char c;
  const ssize_t n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// The same through TLS: reads what has arrived without waiting. Post-handshake messages (TLS
// 1.3 session tickets) are consumed and leave it clean; application data, a close_notify, an
// EOF or an error do not.
bool tls_silent(UpstreamConnection& c) {
  boost::system::error_code ec;
  c.socket.non_blocking(true, ec);
  const std::size_t n = c.tls->read_some(boost::asio::buffer(c.watch_byte), ec);
  boost::system::error_code ignored;
  c.socket.non_blocking(false, ignored);
  return n == 0 && ec == boost::asio::error::would_block;
}

bool clean(UpstreamConnection& c) {
  return c.tls ? tls_silent(c) : silent(c.socket);
}

}  // namespace

ConnectionPool::ConnectionPool(std::size_t upstreams, unsigned max_idle,
                               std::chrono::milliseconds idle_timeout, bool locked,
                               std::chrono::milliseconds watch_after)
    : locked_(locked),
      idle_(upstreams),
      counters_(upstreams),
      sessions_(upstreams),
      max_idle_(max_idle),
      idle_timeout_(idle_timeout),
      watch_after_(watch_after) {}

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
  const auto lock = guard();
  auto& list = idle_[upstream];
  std::unique_ptr<UpstreamConnection> found;
  while (!list.empty() && !found) {
    auto conn = std::move(list.back());  // the most recently used: the warmest
    list.pop_back();
    if (now - conn->idle_since >= idle_timeout_ || conn->generation != generation) continue;
    if (!clean(*conn)) {  // checked every time, however briefly it was idle
      UpstreamCounters::bump(counters_[upstream].discarded);
      continue;
    }
    if (conn->watched) {
      boost::system::error_code ignored;
      conn->socket.cancel(ignored);  // its watch completes as aborted and touches nothing
      conn->watched = false;
    }
    conn->idle_serial = 0;
    found = std::move(conn);
  }
  set_pooled(upstream);
  return found;
}

void ConnectionPool::put(std::size_t upstream, std::unique_ptr<UpstreamConnection> conn,
                         std::chrono::steady_clock::time_point now) {
  const auto lock = guard();
  auto& list = idle_[upstream];
  if (list.size() >= max_idle_ || conn->buffer.size() != 0) return;  // dropped: closes it
  conn->trim_for_idle();
  conn->idle_since = now;
  conn->idle_serial = ++next_serial_;
  if (watch_after_.count() == 0) {
    watch(upstream, *conn);
  } else {
    sweep_at(now + watch_after_, conn->socket.get_executor());
  }
  list.push_back(std::move(conn));
  set_pooled(upstream);
}

void ConnectionPool::sweep_at(std::chrono::steady_clock::time_point at,
                              const boost::asio::any_io_executor& ex) {
  if (sweep_due_ && *sweep_due_ <= at) return;
  if (!sweep_) sweep_ = std::make_unique<boost::asio::steady_timer>(ex);
  sweep_due_ = at;
  sweep_->expires_at(at);  // a wait pending for later completes as aborted
  sweep_->async_wait([this](boost::system::error_code ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // re-armed, or the pool cleared
    sweep();
  });
}

// Watches the connections idle for watch_after, drops the expired ones, and comes back a
// watch_after later while some are unwatched (so a connection is watched after between one and
// two of them: a sweep per watch_after at most, however busy the pool), else when the first
// expires; not at all once the pool is empty.
void ConnectionPool::sweep() {
  const auto lock = guard();
  sweep_due_.reset();
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> next;
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    auto& list = idle_[i];
    std::erase_if(list, [&](const auto& c) { return now - c->idle_since >= idle_timeout_; });
    for (auto& c : list) {
      if (!c->watched && now - c->idle_since >= watch_after_) watch(i, *c);
      const auto due = c->watched ? c->idle_since + idle_timeout_ : now + watch_after_;
      next = next ? std::min(*next, due) : due;
    }
    set_pooled(i);
  }
  if (next && sweep_) sweep_at(*next, sweep_->get_executor());
}

// Arms the watch of an idle connection: a read of one byte, which completes only if the
// upstream sends something or closes. (Not async_wait: Asio re-arms epoll for every wait; a
// read is tried at once instead, which also finds bytes already there.) The handler finds the
// connection by its serial, which is never reused: once the connection has been taken (or
// closed) the serial matches nothing.
void ConnectionPool::watch(std::size_t upstream, UpstreamConnection& conn) {
  conn.watched = true;
  if (conn.tls) {
    conn.socket.async_wait(
        boost::asio::ip::tcp::socket::wait_read,
        [this, upstream, serial = conn.idle_serial](boost::system::error_code ec) {
          if (ec == boost::asio::error::operation_aborted) return;
          on_readable(upstream, serial);
        });
    return;
  }
  conn.socket.async_read_some(
      boost::asio::buffer(conn.watch_byte),
      [this, upstream, serial = conn.idle_serial](boost::system::error_code ec, std::size_t) {
        // Aborted: taken for reuse or closed; the pool may be gone.
        if (ec == boost::asio::error::operation_aborted) return;
        on_readable(upstream, serial);
      });
}

void ConnectionPool::on_readable(std::size_t upstream, std::uint64_t serial) {
  const auto lock = guard();
  auto& list = idle_[upstream];
  const auto it = std::find_if(list.begin(), list.end(),
                               [serial](const auto& c) { return c->idle_serial == serial; });
  if (it == list.end()) return;
  if ((*it)->tls && tls_silent(**it)) {
    UpstreamCounters::bump(counters_[upstream].idle_tls);
    watch(upstream, **it);  // a session ticket, say: still clean
    return;
  }
  list.erase(it);  // closes it: the upstream spoke unasked (a byte is gone), or closed
  UpstreamCounters::bump(counters_[upstream].discarded);
  set_pooled(upstream);
}

void ConnectionPool::clear() {
  const auto lock = guard();
  sweep_.reset();  // its wait completes as aborted
  sweep_due_.reset();
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    idle_[i].clear();
    set_pooled(i);
  }
}

std::size_t ConnectionPool::idle(std::size_t upstream) const {
  const auto lock = guard();
  return idle_[upstream].size();
}

PoolSet::PoolSet(std::size_t upstreams, unsigned max_idle, std::chrono::milliseconds idle_timeout,
                 bool shared_io)
    : upstreams_(upstreams),
      max_idle_(max_idle),
      idle_timeout_(idle_timeout),
      shared_io_(shared_io) {}

ConnectionPool& PoolSet::local() {
  return pools_.local([this] {
    return std::make_unique<ConnectionPool>(upstreams_, max_idle_, idle_timeout_, shared_io_);
  });
}

std::uint64_t PoolSet::attempts(std::size_t upstream) const {
  std::uint64_t n = 0;
  pools_.for_each([&](const ConnectionPool& p) { n += p.attempts(upstream); });
  return n;
}

void PoolSet::clear_all() {
  pools_.for_each([](ConnectionPool& p) { p.clear(); });
}

void PoolSet::drain_local() {
  draining_.store(true, std::memory_order_relaxed);
  if (shared_io_) {
    clear_all();  // one io_context for every thread: its pools lock, and any thread may clear
  } else {
    local().clear();
  }
}

}  // namespace conv::balancer
