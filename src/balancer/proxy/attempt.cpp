#include "conv/balancer/proxy/attempt.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>

#include "conv/balancer/health/passive_health.hpp"

namespace conv::balancer {

namespace net = boost::asio;

Attempt::Start Attempt::begin(const PickKey& key, const net::any_io_executor& executor,
                              Clock::time_point now) {
  release(bytes_out_noted_);
  upstream_ = ctx_.selector.pick(now, key, {tried_.data(), tries_});
  held_ = upstream_;
  if (!upstream_) return Start::no_upstream;
  tried_[tries_++] = upstream_->index();
  started_ = now;
  ConnectionPool& pool = ctx_.pools.local();
  pool.count_attempt(upstream_->index(), tries_ > 1);
  const std::uint64_t generation = upstream_->generation();  // before the address
  conn_ = pool.take(upstream_->index(), generation, now);
  reused_ = conn_ != nullptr;
  if (reused_) return Start::pooled;
  const auto ep = upstream_->endpoint();
  if (!ep) return Start::unresolved;
  endpoint_ = *ep;
  auto& io = net::query(executor, net::execution::context_as<net::execution_context&>);
  conn_ =
      std::make_unique<UpstreamConnection>(net::ip::tcp::socket(static_cast<net::io_context&>(io)));
  conn_->generation = generation;
  if (const auto& tls = upstream_->tls()) {
    conn_->tls = tls->stream(conn_->socket, pool.session(upstream_->index()));
  }
  return Start::connect;
}

void Attempt::release(std::uint64_t body_bytes) {
  if (!held_) return;
  auto& c = ctx_.pools.local().counters(held_->index());
  UpstreamCounters::bump(c.bytes_out, body_bytes - bytes_out_noted_);
  UpstreamCounters::bump(c.bytes_in, bytes_up_);
  bytes_out_noted_ = body_bytes;
  bytes_up_ = 0;
  held_->release();
  held_ = nullptr;
}

void Attempt::record(unsigned status) {
  if (!upstream_ || !ctx_.log_enabled) return;
  log_.record(upstream_->name(), status, Clock::now() - started_);
}

void Attempt::report_failure(FailureReason why) {
  UpstreamCounters::bump(
      ctx_.pools.local().counters(upstream_->index()).failures[static_cast<std::size_t>(why)]);
  report_failed_attempt(*upstream_, ctx_.selector, Clock::now());
}

void Attempt::answered(unsigned status) {
  const auto now = Clock::now();
  ctx_.pools.local()
      .counters(upstream_->index())
      .response(status, std::chrono::duration<double>(now - started_).count());
  report_answer(*upstream_, status, ctx_.settings.outlier_5xx(), ctx_.settings.ejection(),
                ctx_.selector, now);
}

std::string Attempt::log_text() const {
  return ctx_.log_enabled ? log_.text() : std::string();
}

void Attempt::drop() {
  if (!conn_) return;
  boost::system::error_code ignored;
  conn_->socket.close(ignored);
  conn_.reset();
}

void Attempt::save_session() {
  if (!conn_ || !conn_->tls || conn_->session_saved) return;
  if (auto s = tls::resumable_session(conn_->tls->native_handle())) {
    ctx_.pools.local().keep_session(upstream_->index(), std::move(s));
    conn_->session_saved = true;
  }
}

void Attempt::finish(bool reusable) {
  save_session();  // a TLS 1.3 ticket came with the response
  if (reusable && conn_ && !ctx_.pools.draining()) {
    ctx_.pools.local().put(upstream_->index(), std::move(conn_), Clock::now());
  }
  conn_.reset();
}

}  // namespace conv::balancer
