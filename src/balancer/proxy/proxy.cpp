// One proxied exchange, step by step, on the client connection's executor:
//
//   start -> attempt (pick an upstream; a pooled connection or connect) -> send_head
//     -> relay_request_body (streamed, re-framed) -> read_response_head
//     -> write_client_head -> relay_response_body (streamed, re-framed) -> finish
//
// Failures before any response byte: connect errors (any method: nothing was sent) and
// resets or EOF of an idempotent request without a body are retried on the next upstream,
// at most `tries` attempts within `retry_timeout`. Each failure counts against the
// upstream's passive health. No upstream available: 503. Connect or response timeout: 504.
// Refused, reset, malformed response: 502. Once the response head went to the client, a
// failure can only cut the connection (the client sees a truncated body).
#include "conv/balancer/proxy/proxy.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <charconv>
#include <cstdio>
#include <memory_resource>
#include <optional>

#include "conv/balancer/health/outlier.hpp"
#include "conv/balancer/proxy/forward.hpp"
#include "conv/http/body_error.hpp"
#include "conv/http/deadline_timer.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/request_validator.hpp"

namespace conv::balancer {

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBodyChunk = 64 * 1024;
constexpr std::uint32_t kUpstreamHeaderLimit = 32 * 1024;
static_assert(kUpstreamHeaderLimit < UpstreamConnection::kMaxBuffered,
              "a head at the limit, and the start of its body, fit in the upstream buffer");
constexpr unsigned kMaxResponseHeads = 8;  // interim 1xx ones, then the final one

bool idempotent(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
    case bhttp::verb::head:
    case bhttp::verb::options:
    case bhttp::verb::put:
    case bhttp::verb::delete_:
    case bhttp::verb::trace:
      return true;
    default:
      return false;
  }
}

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(ProxyContext& ctx, const http::RequestHeader& request, const http::RequestInfo& info,
           http::Responder responder)
      : ctx_(ctx),
        request_(request),
        info_(info),
        responder_(std::move(responder)),
        executor_(responder_.executor()),
        timer_(executor_) {}

  ~Exchange() {
    release_upstream();
    if (retrying_) ctx_.budget.finish();
  }

  // Completion handlers keep the exchange alive and run on its executor.
  template <typename F>
  auto bind(F f) {
    return net::bind_executor(executor_,
                              [self = shared_from_this(), f](auto... args) { f(*self, args...); });
  }

  void start() {
    const std::string_view target = request_.target();
    const bool origin_form = !target.empty() && target.front() == '/';
    const bool asterisk = target == "*" && request_.method() == bhttp::verb::options;
    if (!origin_form && !asterisk) {
      send_error(400, "bad_target", "the request target must be a path (origin-form)");
      return;
    }
    if (asks_upgrade(request_)) {
      // Not forwarded as a plain request, which the upstream would answer as if no upgrade
      // had been asked for: the client learns at once that it cannot have one here.
      send_error(501, "upgrade_not_supported",
                 "protocol upgrades (such as WebSocket) are not supported by this balancer");
      return;
    }
    framing_ = request_framing(request_, length_);
    retry_deadline_ = Clock::now() + ctx_.settings.retry_timeout();
    client_address_ = info_.remote_address;
    if (framing_ == Framing::none) {
      attempt();
      return;
    }
    // Read the first piece of the body before any upstream hears of the request, so that a
    // body that is malformed from its start (a bad chunk size) is refused here with nothing
    // forwarded. A body that breaks later is cut off mid-stream: the upstream never sees a
    // complete message, so nothing can be smuggled through it.
    size_buffer(framing_ == Framing::length ? length_ : kBodyChunk);
    responder_.read_body(net::buffer(buffer_), bind([](Exchange& x, error_code ec, std::size_t n) {
                           if (ec) {
                             x.refuse_body(ec);
                             return;
                           }
                           x.prefetched_ = n;
                           x.attempt();
                         }));
  }

  // Small bodies get small buffers: most answers here are 80 bytes, and a buffer per
  // exchange of 64 KiB would be most of the balancer's memory at 1000 connections.
  void size_buffer(std::uint64_t wanted) {
    const auto n = static_cast<std::size_t>(std::clamp<std::uint64_t>(wanted, 1, kBodyChunk));
    if (buffer_.size() < n) buffer_.resize(n);
  }

  // The client's body failed (too large, malformed, too slow): 413, 400, 431 or 408.
  void refuse_body(error_code ec) {
    drop_connection();
    answer(http::body_error_response(ec));
  }

 private:
  // ---- choosing an upstream and a connection ----

  void attempt() {
    const auto now = Clock::now();
    release_upstream();
    upstream_ = ctx_.selector.pick(now, {&request_, client_address_}, {tried_.data(), tries_});
    held_ = upstream_;  // counted in flight on it until release_upstream()
    if (!upstream_) {
      if (tries_ == 0) {
        send_error(503, "no_upstream", "no healthy upstream is available");
      } else {
        send_error(last_status_, last_status_ == 504 ? "upstream_timeout" : "bad_gateway",
                   last_error_);
      }
      return;
    }
    tried_[tries_++] = upstream_->index();
    attempt_start_ = now;
    ConnectionPool& pool = ctx_.pools.local();
    pool.count_attempt(upstream_->index(), tries_ > 1);
    const std::uint64_t generation = upstream_->generation();  // before the address
    conn_ = pool.take(upstream_->index(), generation, now);
    if (conn_) {
      reused_ = true;
      send_head();
      return;
    }
    reused_ = false;
    const auto ep = upstream_->endpoint();
    if (!ep) {
      upstream_failed(502, "upstream address is not resolved", true);
      return;
    }
    // Upstream sockets use the plain io_context executor so that a pooled connection can
    // serve any client connection; every handler is bound to this exchange's executor.
    auto& io = net::query(executor_, net::execution::context_as<net::execution_context&>);
    conn_ = std::make_unique<UpstreamConnection>(
        net::ip::tcp::socket(static_cast<net::io_context&>(io)));
    conn_->generation = generation;
    arm(ctx_.settings.connect_timeout());
    conn_->socket.async_connect(*ep, bind([](Exchange& x, error_code ec) { x.on_connect(ec); }));
  }

  void on_connect(error_code ec) {
    if (disarm() || ec) {
      UpstreamCounters::bump(ctx_.pools.local().counters(upstream_->index()).connect_failures);
      upstream_failed(timed_out_ ? 504 : 502,
                      timed_out_ ? "connecting to the upstream timed out"
                                 : "cannot connect to the upstream: " + ec.message(),
                      true);
      return;
    }
    error_code ignored;
    conn_->socket.set_option(net::ip::tcp::no_delay(true), ignored);
    send_head();
  }

  // ---- the request ----

  void send_head() {
    if (head_.empty()) {
      const bool trusted = ctx_.trusted.contains(info_.remote.address());
      head_ = upstream_request_head(request_, {client_address_, "http", "1.1 conv", trusted},
                                    framing_, length_);
    }
    arm(ctx_.settings.response_timeout());
    net::async_write(conn_->socket, net::buffer(head_),
                     bind([](Exchange& x, error_code ec, std::size_t) { x.on_head_sent(ec); }));
  }

  void on_head_sent(error_code ec) {
    if (disarm() || ec) {
      // Nothing of the body went out: safe to retry on another upstream.
      upstream_failed(timed_out_ ? 504 : 502, "sending the request failed", !body_started_,
                      !reused_ || timed_out_);
      return;
    }
    if (framing_ == Framing::none) {
      read_response_head();
      return;
    }
    on_client_body({}, prefetched_);  // the piece read before connecting goes first
  }

  void relay_request_body() {
    responder_.read_body(net::buffer(buffer_), bind([](Exchange& x, error_code ec, std::size_t n) {
                           x.on_client_body(ec, n);
                         }));
  }

  void on_client_body(error_code ec, std::size_t n) {
    if (ec) {
      refuse_body(ec);
      return;
    }
    body_started_ = true;
    bytes_up_ += n;
    if (n == 0) {
      if (framing_ == Framing::chunked) {
        write_upstream({net::buffer(kLastChunk)}, [](Exchange& x) { x.read_response_head(); });
      } else {
        read_response_head();
      }
      return;
    }
    if (framing_ == Framing::chunked) {
      chunk_head_ = chunk_header(n);
      write_upstream(
          {net::buffer(chunk_head_), net::buffer(buffer_.data(), n), net::buffer("\r\n", 2)},
          [](Exchange& x) { x.relay_request_body(); });
    } else {
      write_upstream({net::buffer(buffer_.data(), n)}, [](Exchange& x) { x.relay_request_body(); });
    }
  }

  // Writes up to three buffers upstream, then goes on with `next`.
  void write_upstream(std::initializer_list<net::const_buffer> list, void (*next)(Exchange&)) {
    std::size_t i = 0;
    write_bufs_ = {};
    for (auto b : list) write_bufs_[i++] = b;
    arm(ctx_.settings.response_timeout());
    net::async_write(
        conn_->socket, write_bufs_, bind([next](Exchange& x, error_code ec, std::size_t) {
          if (x.disarm() || ec) {
            // Part of the body is gone: no retry (never for a POST whose body
            // was sent).
            x.upstream_failed(x.timed_out_ ? 504 : 502, "sending the request body failed", false);
            return;
          }
          next(x);
        }));
  }

  // ---- the response ----

  void read_response_head() {
    if (++heads_ > kMaxResponseHeads) {
      upstream_failed(502, "the upstream sent too many interim (1xx) responses", false);
      return;
    }
    // The fields go into the exchange's arena, released with the exchange: a bounded number
    // of heads, each bounded by the header limit.
    parser_.emplace(std::piecewise_construct, std::make_tuple(),
                    std::make_tuple(std::pmr::polymorphic_allocator<char>(&arena_)));
    parser_->header_limit(kUpstreamHeaderLimit);
    parser_->body_limit(boost::none);
    if (request_.method() == bhttp::verb::head) parser_->skip(true);
    arm(ctx_.settings.response_timeout());
    bhttp::async_read_header(
        conn_->socket, conn_->buffer, *parser_,
        bind([](Exchange& x, error_code ec, std::size_t) { x.on_response_head(ec); }));
  }

  void on_response_head(error_code ec) {
    if (disarm()) {
      upstream_failed(504, "the upstream did not answer in time", false);
      return;
    }
    if (ec) {
      // Nothing came back at all (a stale keep-alive connection, or an upstream that died):
      // an idempotent request without a body can go to the next upstream.
      const bool nothing = !parser_->got_some();
      const bool retry = nothing && idempotent(request_.method()) && !body_started_;
      upstream_failed(502,
                      nothing ? "the upstream closed the connection without answering"
                              : "the upstream sent a malformed response: " + ec.message(),
                      retry, !(nothing && reused_));
      return;
    }
    const auto& res = parser_->get();
    const unsigned status = res.result_int();
    if (status >= 100 && status < 200) {
      if (status == 101) {
        upstream_failed(502, "the upstream switched protocols, which is not supported", false);
        return;
      }
      read_response_head();  // an interim response: the real one follows
      return;
    }
    if (auto problem = check_upstream_response(res.base())) {
      upstream_failed(502, "the upstream sent an unusable response: " + *problem, false);
      return;
    }
    status_ = status;
    record_attempt(std::to_string(status));
    note_upstream_response(ctx_, *upstream_, status, attempt_start_);

    const bool no_body = request_.method() == bhttp::verb::head || status == 204 || status == 304;
    // The Content-Length the upstream sent (of a HEAD, 204 or 304 response too): Beast has
    // parsed it, and check_upstream_response made sure there is at most one.
    const auto declared = parser_->content_length();
    const bool has_length = declared.has_value();
    const std::uint64_t length = declared.value_or(0);
    if (no_body) {
      // RFC 9110 8.6: a 204 has no Content-Length; a HEAD or 304 answer may give the length
      // the GET would have had.
      client_framing_ = has_length && status != 204 ? Framing::length : Framing::none;
      relay_body_ = false;
      // A bodiless answer that declares a body leaves its end uncertain: if the upstream
      // sends that body anyway, it would be read as the answer to the next request.
      end_certain_ = length == 0 && http::framing_fields(res.base()).encodings == 0;
    } else if (has_length) {
      client_framing_ = Framing::length;
    } else {
      // Chunked, or delimited by the upstream closing: re-chunk for HTTP/1.1 clients, or
      // delimit by closing for HTTP/1.0 ones.
      client_framing_ = request_.version() == 11 ? Framing::chunked : Framing::close;
    }
    response_length_ = length;
    client_keep_alive_ = responder_.client_keep_alive() && client_framing_ != Framing::close;
    client_head_ = client_response_head(res.base(), request_.version(), client_framing_, length,
                                        client_keep_alive_, "1.1 conv");
    // Whatever of the body came with the head goes out with it, in one write: most answers
    // are small enough to arrive whole in the upstream's first segment. A body malformed
    // from its start is refused like a malformed head: nothing has gone to the client yet.
    if (relay_body_ && !parser_->is_done()) {
      size_buffer(client_framing_ == Framing::length ? response_length_ : kBodyChunk);
      error_code ec;
      const std::size_t got = take_buffered_body(ec);
      if (ec) {
        upstream_failed(502, "the upstream sent a malformed response body: " + ec.message(), false);
        return;
      }
      append_body_piece(client_head_, got);
    }
    head_written_ = true;
    responder_.write(net::buffer(client_head_), bind([](Exchange& x, error_code wec) {
                       if (wec) {
                         x.drop_connection();
                         x.client_gone(x.status_);
                         return;
                       }
                       x.relay_response_body();
                     }));
  }

  // Parses response body bytes already read from the upstream into buffer_; returns how many.
  std::size_t take_buffered_body(error_code& ec) {
    auto& body = parser_->get().body();
    body.data = buffer_.data();
    body.size = buffer_.size();
    while (conn_->buffer.size() > 0 && !parser_->is_done() && body.size > 0) {
      const std::size_t used = parser_->put(conn_->buffer.data(), ec);
      conn_->buffer.consume(used);
      if (ec == bhttp::error::need_buffer || ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    const std::size_t got = buffer_.size() - body.size;
    body.data = nullptr;
    body.size = 0;
    return got;
  }

  // Appends `got` bytes of buffer_ to `out`, framed for the client, and the last chunk if the
  // upstream's message is complete.
  void append_body_piece(std::string& out, std::size_t got) {
    body_bytes_ += got;
    if (client_framing_ == Framing::chunked) {
      if (got > 0) {
        out += chunk_header(got);
        out.append(buffer_.data(), got);
        out.append("\r\n");
      }
      if (parser_->is_done()) {
        out.append(kLastChunk);
        last_chunk_sent_ = true;
      }
    } else {
      out.append(buffer_.data(), got);
    }
  }

  void relay_response_body() {
    if (!relay_body_ || parser_->is_done()) {
      finish_response();
      return;
    }
    if (buffer_.empty()) {
      size_buffer(client_framing_ == Framing::length ? response_length_ : kBodyChunk);
    }
    auto& body = parser_->get().body();
    body.data = buffer_.data();
    body.size = buffer_.size();
    arm(ctx_.settings.response_timeout());
    bhttp::async_read_some(
        conn_->socket, conn_->buffer, *parser_,
        bind([](Exchange& x, error_code ec, std::size_t) { x.on_upstream_body(ec); }));
  }

  void on_upstream_body(error_code ec) {
    const bool timed_out = disarm();
    const std::size_t got = buffer_.size() - parser_->get().body().size;
    if (ec == bhttp::error::need_buffer) ec = {};
    if (timed_out || ec) {
      // Too late for an error response: cut the client connection so that it sees the
      // response is incomplete.
      report_failure();
      drop_connection();
      client_gone(status_);
      return;
    }
    if (got == 0) {
      relay_response_body();
      return;
    }
    out_.clear();
    append_body_piece(out_, got);
    responder_.write(net::buffer(out_), bind([](Exchange& x, error_code wec) {
                       if (wec) {
                         x.drop_connection();
                         x.client_gone(x.status_);
                         return;
                       }
                       x.relay_response_body();
                     }));
  }

  void finish_response() {
    upstream_->report_success();
    // The connection can serve another request if the upstream keeps it open and both
    // messages were read and written to their ends.
    if (end_certain_ && parser_->keep_alive() && parser_->is_done() && conn_) {
      ctx_.pools.local().put(upstream_->index(), std::move(conn_), Clock::now());
    }
    conn_.reset();
    if (client_framing_ == Framing::chunked && relay_body_ && !last_chunk_sent_) {
      responder_.write(net::buffer(kLastChunk), bind([](Exchange& x, error_code ec) {
                         x.finish_client(!ec && x.client_keep_alive_);
                       }));
      return;
    }
    finish_client(client_keep_alive_);
  }

  // ---- endings ----

  void finish_client(bool keep_alive) {
    stop_timer();
    release_upstream();
    responder_.finish({status_, body_bytes_, keep_alive, ctx_.route, log_extra()});
  }

  void client_gone(unsigned status) {
    stop_timer();
    release_upstream();
    if (status == 0) status = 499;  // nginx's code for a client that went away
    responder_.finish({status, body_bytes_, false, ctx_.route, log_extra()});
  }

  void report_failure() {
    if (upstream_->report_failure(Clock::now())) {
      std::fprintf(stderr, "conv balancer: upstream %s taken out for %lld ms after %u failure(s)\n",
                   upstream_->name().c_str(),
                   static_cast<long long>(upstream_->fail_timeout().count()),
                   upstream_->max_fails());
    }
    ctx_.selector.refresh(Clock::now());
  }

  // `upstream_fault`: false for a pooled connection the upstream had closed before we used it,
  // which says nothing about the upstream's health.
  void upstream_failed(unsigned status, std::string message, bool retryable,
                       bool upstream_fault = true) {
    record_attempt(std::to_string(status));
    if (upstream_fault) report_failure();
    drop_connection();
    last_status_ = status;
    last_error_ = std::move(message);
    if (retryable && tries_ < ctx_.settings.tries() && tries_ < tried_.size() &&
        Clock::now() < retry_deadline_ && within_retry_budget()) {
      attempt();
      return;
    }
    send_error(status, status == 504 ? "upstream_timeout" : "bad_gateway", last_error_);
  }

  void send_error(unsigned status, std::string_view code, std::string_view message) {
    answer(http::error_response(status, code, message));
  }

  // The balancer's own answer, if the upstream's head has not gone out yet.
  void answer(http::Response r) {
    if (head_written_) {
      client_gone(status_);
      return;
    }
    stop_timer();
    release_upstream();
    r.route = ctx_.route;
    r.log_extra = log_extra();
    responder_.send(std::move(r));
  }

  // Ends this exchange's claim on its upstream (in flight, connection cap) and records the
  // body bytes relayed. Idempotent. (A share of the retry budget is held to the end.)
  void release_upstream() {
    if (held_) {
      auto& c = ctx_.pools.local().counters(held_->index());
      UpstreamCounters::bump(c.bytes_out, body_bytes_ - bytes_out_noted_);
      UpstreamCounters::bump(c.bytes_in, bytes_up_);
      bytes_out_noted_ = body_bytes_;
      bytes_up_ = 0;
      held_->release();
      held_ = nullptr;
    }
  }

  bool within_retry_budget() {
    if (!retrying_) retrying_ = ctx_.budget.try_start(ctx_.upstreams, ctx_.settings);
    return retrying_;
  }

  void drop_connection() {
    if (!conn_) return;
    error_code ignored;
    conn_->socket.close(ignored);
    conn_.reset();
  }

  void record_attempt(std::string status) {
    if (!upstream_ || !ctx_.log_enabled) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - attempt_start_).count();
    char t[32];
    std::snprintf(t, sizeof t, "%.3f", seconds);
    auto add = [](std::string& list, std::string_view item) {
      if (!list.empty()) list += ", ";
      list.append(item);
    };
    add(log_addr_, upstream_->name());
    add(log_status_, status);
    add(log_time_, t);
  }

  // nginx's $upstream_addr $upstream_status $upstream_response_time, one entry per attempt.
  std::string log_extra() const {
    if (!ctx_.log_enabled) return {};
    auto q = [](const std::string& s) { return "\"" + (s.empty() ? std::string("-") : s) + "\""; };
    return "ua=" + q(log_addr_) + " us=" + q(log_status_) + " urt=" + q(log_time_);
  }

  // ---- timeouts ----
  // One deadline per exchange (a DeadlineTimer, lazy as the session's is), for the operation
  // in progress; cancelled once, when the exchange ends.

  void arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    timer_.set(Clock::now() + timeout, *this);
  }

  // Ends the timed operation; true if it timed out.
  bool disarm() {
    timer_.clear();
    return timed_out_;
  }

  void stop_timer() { timer_.cancel(); }

 public:
  // The deadline of the operation in progress passed: it is cancelled, and fails.
  void on_deadline() {
    timed_out_ = true;
    if (conn_) {
      error_code ignored;
      conn_->socket.cancel(ignored);
    }
  }

 private:
  ProxyContext& ctx_;
  const http::RequestHeader& request_;
  http::RequestInfo info_;
  http::Responder responder_;
  net::any_io_executor executor_;
  http::DeadlineTimer timer_;
  bool timed_out_ = false;

  Framing framing_ = Framing::none;
  std::uint64_t length_ = 0;
  Clock::time_point retry_deadline_;
  std::string_view client_address_;      // the session's, valid for the exchange
  std::array<std::size_t, 20> tried_{};  // retries.tries is at most 20
  std::size_t tries_ = 0;
  Upstream* upstream_ = nullptr;
  Upstream* held_ = nullptr;  // upstream_ while this exchange counts in flight on it
  bool retrying_ = false;     // holds a share of the retry budget
  std::uint64_t bytes_up_ = 0;
  std::uint64_t bytes_out_noted_ = 0;
  std::unique_ptr<UpstreamConnection> conn_;
  bool reused_ = false;
  Clock::time_point attempt_start_;
  unsigned last_status_ = 502;
  std::string last_error_;

  std::string head_;
  std::string chunk_head_;
  std::array<net::const_buffer, 3> write_bufs_{};
  bool body_started_ = false;   // body bytes went upstream: the request cannot be replayed
  std::size_t prefetched_ = 0;  // body bytes read before connecting, in buffer_
  std::vector<char> buffer_;    // sized on first use: at most kBodyChunk

  alignas(std::max_align_t) std::array<std::byte, 1024> arena_buffer_;
  std::pmr::monotonic_buffer_resource arena_{arena_buffer_.data(), arena_buffer_.size()};
  unsigned heads_ = 0;  // response heads read, interim ones included
  std::optional<bhttp::response_parser<bhttp::buffer_body, std::pmr::polymorphic_allocator<char>>>
      parser_;
  unsigned status_ = 0;
  bool relay_body_ = true;
  bool end_certain_ = true;  // the response ended where its framing said: its connection is clean
  Framing client_framing_ = Framing::none;
  bool client_keep_alive_ = false;
  bool head_written_ = false;
  std::string client_head_;
  std::string out_;
  std::uint64_t body_bytes_ = 0;
  std::uint64_t response_length_ = 0;
  bool last_chunk_sent_ = false;

  std::string log_addr_;
  std::string log_status_;
  std::string log_time_;
};

}  // namespace

void proxy_request(ProxyContext& context, const http::RequestHeader& request,
                   const http::RequestInfo& info, http::Responder responder) {
  std::make_shared<Exchange>(context, request, info, std::move(responder))->start();
}

}  // namespace conv::balancer
