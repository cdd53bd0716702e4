#include "conv/http/server.hpp"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <system_error>

#include "conv/http/listener.hpp"
#include "conv/http/session_core.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/termination.hpp"

namespace conv::http {

namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

struct Server::Worker {
  explicit Worker(net::io_context& c) : ctx(c) {}
  net::io_context& ctx;
  // The acceptors (one per listener) and the timer belong to `ctx` and must go before it; the
  // registry must outlive it (sessions still queued in it unregister when destroyed).
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  // Per acceptor: backs off accept() when out of descriptors.
  std::vector<std::unique_ptr<net::steady_timer>> retry_timers;
  detail::ConnectionRegistry registry;
  std::atomic<std::size_t> incoming{0};  // handed over by another worker, not started yet
  std::size_t load() const { return registry.size() + incoming.load(std::memory_order_relaxed); }
};

namespace {

// Connections one worker takes from the backlog per readiness event (HAProxy: maxaccept 64).
constexpr int kAcceptBatch = 64;

// For an io_context run by exactly one thread: the scheduler and descriptor registration stay
// locked (other threads post to it: shutdown, the admin API's answers), but each socket's
// reactor state is touched only by that thread, so its per-operation mutex can go. Every
// socket of a context is created, used and closed on the context's own thread (a pooled
// upstream connection stays in its thread's pool); the TSan preset checks this.
const int kOneThreadHint = BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO;

}  // namespace

Server::Server(ServerOptions options, Handler& handler, Metrics& metrics, AccessLog& log,
               ResponseIdentity identity)
    : options_(std::move(options)) {
  if (options_.threads == 0) options_.threads = 1;
  const auto tick = std::min({options_.header_timeout, options_.body_timeout, options_.idle_timeout,
                              options_.write_timeout});
  shared_.reset(new detail::ServerShared{options_, handler, metrics, log, std::move(identity),
                                         std::max(tick, std::chrono::milliseconds(10))});
  listeners_.push_back({options_.host, options_.port, nullptr, {}});
}

void Server::set_tls(std::shared_ptr<tls::Termination> tls) {
  listeners_.front().tls = std::move(tls);
}

std::size_t Server::add_listener(std::string host, std::uint16_t port,
                                 std::shared_ptr<tls::Termination> tls) {
  listeners_.push_back({std::move(host), port, std::move(tls), {}});
  return listeners_.size() - 1;
}

Server::~Server() {
  stop();
  wait();
  for (auto& w : workers_) {
    w->acceptors.clear();
    w->retry_timers.clear();
  }
  // Handlers still queued in a context own sessions, which unregister from their worker on
  // destruction: destroy the contexts while the workers still exist.
  contexts_.clear();
  workers_.clear();
}

void Server::bind() {
  const bool per_thread = options_.io_model == IoModel::per_thread && options_.threads > 1;
  const unsigned contexts = per_thread ? options_.threads : 1;
  const int hint =
      !per_thread && options_.threads > 1 ? static_cast<int>(options_.threads) : kOneThreadHint;
  for (unsigned i = 0; i < contexts; ++i) {
    contexts_.push_back(std::make_unique<net::io_context>(hint));
    workers_.push_back(std::make_unique<Worker>(*contexts_.back()));
  }
  for (std::size_t i = 0; i < listeners_.size(); ++i) bind_listener(listeners_[i], i);
}

// Every worker gets its own SO_REUSEPORT acceptor of each listener (one worker: a plain one).
void Server::bind_listener(Listener& listener, std::size_t index) {
  const tcp::endpoint ep = detail::resolve_listen_endpoint(listener.host, listener.port);
  const bool reuse_port = workers_.size() > 1;
  if (reuse_port && ep.port() != 0) detail::ensure_port_free(ep);
  tcp::endpoint bound = ep;
  for (auto& w : workers_) {
    w->acceptors.resize(listeners_.size());
    w->retry_timers.resize(listeners_.size());
    w->acceptors[index] = detail::open_acceptor(w->ctx, bound, reuse_port);
    w->retry_timers[index] = std::make_unique<net::steady_timer>(w->ctx);
    // Port 0: the other workers join the port the first one got.
    if (w == workers_.front()) bound = w->acceptors[index]->local_endpoint();
  }
  listener.bound = bound;
}

tcp::endpoint Server::local_endpoint(std::size_t listener) const {
  return listeners_.at(listener).bound;
}

bool Server::draining() const {
  return shared_->draining.load();
}

std::size_t Server::open_connections() const {
  return shared_->connections.load();
}

std::vector<std::size_t> Server::connections_per_worker() const {
  std::vector<std::size_t> out;
  for (const auto& w : workers_) out.push_back(w->load());
  return out;
}

void Server::accept_on(Worker& w, std::size_t listener) {
  // With one context run by several threads, each connection gets a strand; with a context
  // per thread, the context's own executor already serialises everything.
  net::any_io_executor ex = contexts_.size() == 1 && options_.threads > 1
                                ? net::any_io_executor(net::make_strand(w.ctx))
                                : net::any_io_executor(w.ctx.get_executor());
  tcp::acceptor& acceptor = *w.acceptors[listener];
  acceptor.async_accept(ex, [this, &w, &acceptor, listener, ex](error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE/ENFILE) or a transient error: back off briefly rather than
      // spin, then go on accepting.
      log::error() << "accept failed: " << ec.message();
      auto& retry = *w.retry_timers[listener];
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this, &w, &acceptor, listener](error_code tec) {
        if (!tec && acceptor.is_open()) accept_on(w, listener);
      });
      return;
    }
    admit(w, std::move(socket), listener);
    // Take what else is waiting in the backlog now, up to a bound, as HAProxy (maxaccept) and
    // nginx (multi_accept) can: one accept per event loop turn leaves the first request of a
    // burst of new connections queued behind thousands of requests on established ones.
    for (int i = 1; i < kAcceptBatch; ++i) {
      tcp::socket more(ex);
      error_code aec;
      acceptor.accept(more, aec);
      if (aec) break;  // would_block, or an error that the next async_accept reports
      admit(w, std::move(more), listener);
    }
    accept_on(w, listener);
  });
}

void Server::admit(Worker& w, tcp::socket socket, std::size_t listener) {
  const auto open = shared_->connections.fetch_add(1, std::memory_order_relaxed) + 1;
  if (open > options_.max_connections) {
    shared_->connections.fetch_sub(1, std::memory_order_relaxed);
    // A TLS client could not read a plain answer: it is only closed.
    if (!listeners_[listener].tls) detail::reject_connection(std::move(socket), shared_->identity);
    return;
  }
  Worker& target = least_loaded(w);
  if (&target != &w) {
    hand_over(w, target, std::move(socket), listener);
    return;
  }
  serve(w, std::move(socket), listener);
}

void Server::serve(Worker& w, tcp::socket socket, std::size_t listener) {
  detail::open_session(std::move(socket), *shared_, w.registry, listeners_[listener].tls.get());
}

// With a listener per thread, the kernel picks the thread of each new connection by a hash of
// its addresses: 50 connections split 20/30 as often as 25/25, and the busier thread's
// requests wait longer (the tail latency of the whole server). As HAProxy does, a connection
// goes to the worker serving the fewest; the accepting one on a tie.
Server::Worker& Server::least_loaded(Worker& accepting) {
  if (workers_.size() < 2) return accepting;
  Worker* best = &accepting;
  std::size_t best_load = accepting.load();
  for (auto& w : workers_) {
    const std::size_t load = w->load();
    if (load < best_load) {
      best = w.get();
      best_load = load;
    }
  }
  return *best;
}

namespace {

// A descriptor between two workers: closed, and its connection uncounted, if it never
// reaches its session (the target's context stopped first).
struct HandedOver {
  int fd;
  std::atomic<std::size_t>* connections;
  HandedOver(int f, std::atomic<std::size_t>* c) : fd(f), connections(c) {}
  HandedOver(HandedOver&& o) noexcept : fd(std::exchange(o.fd, -1)), connections(o.connections) {}
  HandedOver(const HandedOver&) = delete;
  HandedOver& operator=(const HandedOver&) = delete;
  HandedOver& operator=(HandedOver&&) = delete;
  ~HandedOver() {
    if (fd < 0) return;
    ::close(fd);
    connections->fetch_sub(1, std::memory_order_relaxed);
  }
};

}  // namespace

void Server::hand_over(Worker& from, Worker& target, tcp::socket socket, std::size_t listener) {
  // The socket leaves this worker's reactor and joins the target's on the target's thread:
  // each socket is only ever used by one thread (see kOneThreadHint).
  const auto protocol = listeners_[listener].bound.protocol();
  error_code ec;
  const int fd = socket.release(ec);
  if (ec || fd < 0) {  // cannot move it: serve it here
    serve(from, std::move(socket), listener);
    return;
  }
  target.incoming.fetch_add(1, std::memory_order_relaxed);
  net::post(target.ctx, [this, &target, protocol, listener,
                         h = HandedOver(fd, &shared_->connections)]() mutable {
    tcp::socket s(target.ctx);
    error_code aec;
    s.assign(protocol, h.fd, aec);
    // Counted in the target's registry from here; if the assignment failed, h
    // closes the descriptor.
    if (!aec) {
      h.fd = -1;
      serve(target, std::move(s), listener);
    }
    target.incoming.fetch_sub(1, std::memory_order_relaxed);
  });
}

void Server::start(std::function<void()> on_stopped) {
  on_stopped_ = std::move(on_stopped);
  for (auto& w : workers_) {
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
      net::post(w->ctx, [this, &w = *w, i] { accept_on(w, i); });
    }
  }
  running_workers_ = options_.threads;
  for (unsigned i = 0; i < options_.threads; ++i) {
    net::io_context& ctx = *contexts_[contexts_.size() == 1 ? 0 : i];
    threads_.emplace_back([this, &ctx] {
      try {
        ctx.run();
      } catch (const std::exception& e) {
        log::error() << "worker stopped by an error: " << e.what();
        stop();
      }
      if (running_workers_.fetch_sub(1) == 1 && on_stopped_) on_stopped_();
    });
  }
}

void Server::shutdown(std::function<void()> on_worker) {
  if (shared_->draining.exchange(true)) return;
  for (auto& w : workers_) {
    net::post(w->ctx, [&w = *w, on_worker] {
      error_code ignored;
      for (auto& timer : w.retry_timers) timer->cancel();
      for (auto& acceptor : w.acceptors) acceptor->close(ignored);
      if (on_worker) on_worker();
      for (auto& session : w.registry.snapshot()) {
        net::post(session->executor(), [session] { session->drain(); });
      }
    });
  }
}

void Server::stop() {
  shared_->draining = true;
  for (auto& ctx : contexts_) ctx->stop();
}

void Server::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace conv::http
