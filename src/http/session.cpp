#include "conv/http/session.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <exception>

#include "conv/http/error_response.hpp"

namespace conv::http::detail {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

std::string request_line(const Request& req) {
  std::string line;
  line.reserve(req.target().size() + 20);
  line.append(req.method_string());
  line += ' ';
  line.append(req.target());
  line += req.version() == 10 ? " HTTP/1.0" : " HTTP/1.1";
  return line;
}

template <typename Name>
std::string_view field_or_empty(const Request& req, Name name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view{} : std::string_view{it->value()};
}

}  // namespace

// ---- ConnectionRegistry ----

ConnectionRegistry::Handle ConnectionRegistry::add(std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  return sessions_.insert(sessions_.end(), std::move(session));
}

void ConnectionRegistry::remove(Handle handle) {
  std::lock_guard lock(mutex_);
  sessions_.erase(handle);
}

std::vector<std::shared_ptr<Session>> ConnectionRegistry::snapshot() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Session>> out;
  out.reserve(sessions_.size());
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

// ---- Session ----

Session::Session(net::ip::tcp::socket socket, ServerShared& shared, ConnectionRegistry& registry)
    : socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      timer_(executor_),
      shared_(shared),
      registry_(registry) {
  error_code ec;
  remote_ = socket_.remote_endpoint(ec);
  if (!ec)
    remote_addr_ = remote_.address().to_string();
  else
    remote_addr_ = "-";
  socket_.set_option(net::ip::tcp::no_delay(true), ec);
  shared_.metrics.connection_opened();
}

Session::~Session() {
  if (in_flight_) shared_.metrics.request_abandoned();
  registry_.remove(registry_handle_);
  shared_.metrics.connection_closed();
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
}

net::any_io_executor Session::executor() const {
  return executor_;
}

void Session::start() {
  registry_handle_ = registry_.add(weak_from_this());
  if (shared_.draining.load(std::memory_order_relaxed)) {
    close();
    return;
  }
  new_parser();
  set_deadline(Clock::now() + shared_.options.idle_timeout);
  do_read();
}

void Session::drain() {
  if (phase_ == Phase::idle) close();
  // Otherwise the response in progress goes out with "Connection: close" (see complete()).
}

void Session::new_parser() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
  parser_->body_limit(shared_.options.max_body_bytes);
  parser_->eager(true);
  phase_ = Phase::idle;
}

void Session::do_read() {
  // Pipelined requests may already be buffered.
  if (buffer_.size() > 0 && parse()) return;
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void Session::on_read(error_code ec, std::size_t n) {
  // A read is outstanding only while a request is being received; anything else (a timeout
  // answering 408, a close) has moved on and this completion is stale.
  if (phase_ != Phase::idle && phase_ != Phase::header && phase_ != Phase::body) return;
  if (ec) {
    // EOF or reset between requests is a normal end; in the middle of one there is nobody left
    // to answer.
    close();
    return;
  }
  buffer_.commit(n);
  if (parse()) return;
  do_read();
}

bool Session::parse() {
  if (phase_ == Phase::idle && buffer_.size() > 0) {
    phase_ = Phase::header;
    request_start_ = Clock::now();
    set_deadline(request_start_ + shared_.options.header_timeout);
  }
  while (buffer_.size() > 0) {
    error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::header_limit) {
      fail(431, "header_too_large", "request header block exceeds the limit");
      return true;
    }
    if (ec == bhttp::error::body_limit) {
      fail(413, "body_too_large", "request body exceeds the limit");
      return true;
    }
    if (ec) {
      fail(400, "bad_request", "malformed request: " + ec.message());
      return true;
    }
    if (phase_ == Phase::header && parser_->is_header_done()) {
      on_header_done();
      if (phase_ != Phase::body) return true;  // refused
    }
    if (parser_->is_done()) {
      dispatch();
      return true;
    }
    if (continue_pending_) {
      send_continue();
      return true;
    }
    if (used == 0) break;
  }
  return false;
}

void Session::on_header_done() {
  const Request& req = parser_->get();
  if (req.version() == 11 && req.count(bhttp::field::host) != 1) {
    fail(400, "bad_request", "an HTTP/1.1 request needs exactly one Host header");
    return;
  }
  phase_ = Phase::body;
  set_deadline(Clock::now() + shared_.options.body_timeout);
  continue_pending_ =
      !parser_->is_done() && req.version() == 11 &&
      boost::beast::iequals(field_or_empty(req, bhttp::field::expect), "100-continue");
}

void Session::send_continue() {
  // The client waits for this interim response before it sends the body.
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  continue_pending_ = false;
  net::async_write(socket_, net::buffer(kContinue),
                   [self = shared_from_this()](error_code ec, std::size_t) {
                     if (self->phase_ != Phase::body) return;
                     if (ec) {
                       self->close();
                       return;
                     }
                     self->do_read();
                   });
}

void Session::dispatch() {
  phase_ = Phase::handling;
  set_deadline(Clock::time_point::max());
  const Request& req = parser_->get();
  head_only_ = req.method() == bhttp::verb::head;
  begin_request_metrics();
  try {
    shared_.handler.handle(req, RequestInfo{remote_, request_start_},
                           Responder(shared_from_this()));
  } catch (const std::exception& e) {
    if (phase_ == Phase::handling) {
      complete(error_response(500, "internal_error", "the server failed to handle the request"));
    }
  }
}

void Session::begin_request_metrics() {
  in_flight_ = true;
  shared_.metrics.request_started();
}

void Session::fail(unsigned status, std::string_view code, std::string_view message) {
  if (phase_ == Phase::idle) request_start_ = Clock::now();
  phase_ = Phase::handling;
  begin_request_metrics();
  head_only_ = false;
  Response r = error_response(status, code, message);
  r.close = true;
  complete(std::move(r));
}

void Session::complete(Response&& response) {
  if (phase_ != Phase::handling) return;  // closed meanwhile, or answered twice
  phase_ = Phase::writing;
  response_ = std::move(response);
  const bool parsed = parser_ && parser_->is_done();
  const unsigned version = parsed ? parser_->get().version() : 11;
  keep_alive_ = parsed && parser_->get().keep_alive() && !response_.close &&
                !shared_.draining.load(std::memory_order_relaxed);
  out_.clear();
  serialize_response(out_, response_, shared_.identity, version, keep_alive_, head_only_);
  set_deadline(Clock::now() + shared_.options.write_timeout);
  net::async_write(socket_, net::buffer(out_),
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(error_code ec) {
  if (phase_ == Phase::closed) return;
  log_and_count(response_, head_only_ ? 0 : response_.body.size());
  if (ec) {
    close();
    return;
  }
  if (!keep_alive_) {
    begin_lingering_close();
    return;
  }
  new_parser();
  set_deadline(Clock::now() + shared_.options.idle_timeout);
  do_read();
}

void Session::log_and_count(const Response& response, std::size_t body_bytes) {
  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - request_start_).count();
  in_flight_ = false;
  shared_.metrics.request_finished(response.route, response.status, seconds);
  if (!shared_.log.enabled()) return;
  const bool parsed = parser_ && parser_->is_header_done();
  std::string line;
  line.reserve(256);
  if (parsed) {
    const Request& req = parser_->get();
    const std::string rl = request_line(req);
    format_access_line(line, {remote_addr_, rl, response.status, body_bytes,
                              field_or_empty(req, bhttp::field::referer),
                              field_or_empty(req, bhttp::field::user_agent),
                              field_or_empty(req, "X-Forwarded-For"), seconds, response.log_extra});
  } else {
    format_access_line(
        line,
        {remote_addr_, {}, response.status, body_bytes, {}, {}, {}, seconds, response.log_extra});
  }
  shared_.log.write(line);
}

// ---- timeouts ----
// One timer per connection, re-armed lazily: moving a deadline later is a field write. The
// timer never sleeps longer than the shortest timeout (`timer_tick`); when it fires before the
// deadline it re-arms for what is left. Only a deadline earlier than the armed expiry (the
// short lingering close) re-arms it at once; `timer_generation_` tells the cancelled wait
// that it is stale.

void Session::set_deadline(Clock::time_point deadline) {
  deadline_ = deadline;
  if (!timer_armed_ || deadline < timer_expiry_) arm_timer(Clock::now());
}

void Session::arm_timer(Clock::time_point now) {
  timer_expiry_ = std::min(deadline_, now + shared_.timer_tick);
  timer_armed_ = true;
  const auto generation = ++timer_generation_;
  timer_.expires_at(timer_expiry_);
  timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    if (generation == self->timer_generation_) self->on_timer(ec);
  });
}

void Session::on_timer(error_code ec) {
  timer_armed_ = false;
  if (ec || phase_ == Phase::closed) return;
  const auto now = Clock::now();
  if (now >= deadline_) {
    on_timeout();
    return;
  }
  arm_timer(now);
}

void Session::on_timeout() {
  switch (phase_) {
    case Phase::header:
    case Phase::body: {
      // The client started a request and stalled: tell it why, then close.
      socket_.cancel();
      Response r = error_response(408, "request_timeout", "the request was not received in time");
      r.close = true;
      phase_ = Phase::handling;
      begin_request_metrics();
      head_only_ = false;
      complete(std::move(r));
      return;
    }
    default:
      // Idle keep-alive, a client that does not read, a lingering close: just close.
      close();
      return;
  }
}

// ---- closing ----

void Session::begin_lingering_close() {
  // Half-close, then read and discard until the client closes too, so that unread request
  // bytes do not turn our close into a reset that destroys the response in flight.
  phase_ = Phase::lingering;
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  set_deadline(Clock::now() + kLingerTime);
  buffer_.clear();
  do_linger();
}

void Session::do_linger() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            if (self->phase_ == Phase::closed) return;
                            self->buffer_.clear();
                            if (ec || n == 0) {
                              self->close();
                              return;
                            }
                            self->do_linger();
                          });
}

void Session::close() {
  if (phase_ == Phase::closed) return;
  // A handler may still hold the responder; its answer will find the connection closed.
  phase_ = Phase::closed;
  error_code ignored;
  timer_.cancel();
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

// ---- connections over the cap ----

void reject_connection(net::ip::tcp::socket socket, const ResponseIdentity& identity) {
  struct Rejection {
    net::ip::tcp::socket socket;
    std::string out;
  };
  auto r = std::make_shared<Rejection>(Rejection{std::move(socket), {}});
  Response resp = error_response(503, "too_many_connections",
                                 "the server is at its connection limit; retry later");
  serialize_response(r->out, resp, identity, 11, false, false);
  net::async_write(r->socket, net::buffer(r->out), [r](error_code, std::size_t) {
    error_code ignored;
    r->socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    r->socket.close(ignored);
  });
}

}  // namespace conv::http::detail
