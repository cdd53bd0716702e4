#include "conv/http/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <exception>
#include <stdexcept>

#include "conv/http/body_error.hpp"
#include "conv/http/chunk_limits.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/request_validator.hpp"

namespace conv::http::detail {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

std::string_view as_view(net::const_buffer b) {
  return {static_cast<const char*>(b.data()), b.size()};
}

std::string request_line(const RequestHeader& req) {
  std::string line;
  line.reserve(req.target().size() + 20);
  line.append(req.method_string());
  line += ' ';
  line.append(req.target());
  line += req.version() == 10 ? " HTTP/1.0" : " HTTP/1.1";
  return line;
}

template <typename Name>
std::string_view field_or_empty(const RequestHeader& req, Name name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view{} : std::string_view{it->value()};
}

}  // namespace

// ---- ConnectionRegistry ----

ConnectionRegistry::Handle ConnectionRegistry::add(std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  size_.fetch_add(1, std::memory_order_relaxed);
  return sessions_.insert(sessions_.end(), std::move(session));
}

void ConnectionRegistry::remove(Handle handle) {
  std::lock_guard lock(mutex_);
  size_.fetch_sub(1, std::memory_order_relaxed);
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
      timer_(executor_, shared.timer_tick),
      shared_(shared),
      registry_(registry) {
  error_code ec;
  remote_ = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_addr_ = remote_.address().to_string();
  } else {
    remote_addr_ = "-";
  }
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
  // A new connection gets the header timeout for its first request, not the idle timeout
  // of a kept-alive one: a client that connects and says nothing is closed as soon as one
  // that stalls mid-header.
  set_deadline(Clock::now() + shared_.options.header_timeout);
  do_read();
}

void Session::drain() {
  if (phase_ == Phase::idle) close();
  // Otherwise the response in progress goes out with "Connection: close" (see complete()).
}

void Session::new_parser() {
  parser_.emplace();
  starved_at_ = kNotStarved;
  parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
  parser_->body_limit(shared_.options.max_body_bytes);
  header_offset_ = 0;
  body_.clear();
  streamed_ = false;
  body_timed_out_ = false;
  phase_ = Phase::idle;
}

void Session::do_read() {
  // Pipelined requests may already be buffered.
  if (buffer_.size() > 0 && parse()) return;
  read_socket();
}

void Session::read_socket() {
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); });
}

// RFC 9112 2.2: a server SHOULD ignore empty lines before a request line (some clients send
// an extra CRLF after a body). Between requests only; the keep-alive deadline still runs, so
// a peer sending nothing but line ends is closed when it expires.
void Session::skip_empty_lines() {
  const auto data = buffer_.data();
  const auto* p = static_cast<const char*>(data.data());
  std::size_t n = 0;
  while (n < data.size() && (p[n] == '\r' || p[n] == '\n')) ++n;
  buffer_.consume(n);
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
  // Not do_read(): parse() has just seen these bytes.
  read_socket();
}

bool Session::parse() {
  if (phase_ == Phase::idle) skip_empty_lines();
  if (phase_ == Phase::idle && buffer_.size() > 0) {
    phase_ = Phase::header;
    request_start_ = Clock::now();
    set_deadline(request_start_ + shared_.options.header_timeout);
  }
  if (phase_ == Phase::header) {
    if (buffer_.size() == header_offset_) return false;
    error_code ec;
    // The header stays in the buffer until it is complete (Beast may take the request line
    // first), so that the validator sees the raw block as received.
    const auto data = buffer_.data();
    header_offset_ += put(net::buffer(static_cast<const char*>(data.data()) + header_offset_,
                                      data.size() - header_offset_),
                          ec, bhttp::error::header_limit);
    // The limit is on the whole block, request line to blank line, exactly: Beast's own
    // check lets about twice through when the block arrives in one or two reads.
    const std::size_t limit = shared_.options.max_header_bytes;
    if (ec == bhttp::error::need_more && buffer_.size() < limit) return false;
    if (ec == bhttp::error::need_more || ec == bhttp::error::header_limit ||
        (!ec && header_offset_ > limit)) {
      fail(error_response(431, "header_too_large", "request header block exceeds the limit"));
      return true;
    }
    if (ec) return fail_header(ec);
    const std::string_view raw(static_cast<const char*>(buffer_.data().data()), header_offset_);
    const bool ok = on_header_done(raw);
    buffer_.consume(header_offset_);
    header_offset_ = 0;
    // From here on, parse as much body as each buffer allows; chunk by chunk if chunked.
    if (parser_->chunked()) {
      chunk_ = {};
      parser_->on_chunk_header(chunk_);
    }
    parser_->eager(!parser_->chunked());
    if (!ok) return true;
    if (streamed_) {
      dispatch();
      return true;
    }
  }
  // Phase::body, buffered: collect the body into body_.
  while (!parser_->is_done()) {
    if (buffer_.size() == 0) {
      if (continue_pending_) {
        send_continue();
        return true;
      }
      return false;
    }
    const std::size_t old = body_.size();
    const std::size_t buffered = buffer_.size();
    const std::size_t chunk = std::max<std::size_t>(buffered, 4096);
    body_.resize(old + chunk);
    error_code ec;
    const std::size_t got = parse_body_into(body_.data() + old, chunk, ec);
    body_.resize(old + got);
    if (ec) return fail_body(ec);
    if (got > 0 && shared_.options.min_body_rate > 0) set_deadline(body_deadline());
    // A partial chunk header: the parser took nothing and needs more input.
    if (got == 0 && buffer_.size() == buffered && !parser_->is_done()) return false;
  }
  dispatch();
  return true;
}

bool Session::on_header_done(std::string_view raw_header) {
  const RequestHeader& req = parser_->get().base();
  if (auto problem = validate_request(raw_header, req)) {
    fail(error_response(400, "bad_request", *problem));
    return false;
  }
  phase_ = Phase::body;
  header_bytes_ = raw_header.size();
  body_start_ = Clock::now();
  body_received_ = 0;
  set_deadline(body_deadline());
  streamed_ = shared_.handler.body_mode() == Handler::BodyMode::streamed;
  continue_pending_ =
      !parser_->is_done() && req.version() == 11 &&
      boost::beast::iequals(field_or_empty(req, bhttp::field::expect), "100-continue");
  return true;
}

// Moves request body bytes from the read buffer, through the parser (which removes chunked
// framing and enforces the body limit), into [data, data + size). Returns how many it wrote;
// `ec` is set only for a real error.
std::size_t Session::parse_body_into(char* data, std::size_t size, error_code& ec) {
  // Beast must not be handed input it asked more for without more (it asserts on a partial
  // final chunk fed twice): after need_more, only new bytes are worth a put. Found by
  // tests/fuzz/balancer_session: a chunked body with "Expect: 100-continue" was fed again
  // after the 100 Continue went out.
  if (buffer_.size() == starved_at_) return 0;
  auto& body = parser_->get().body();
  body.data = data;
  body.size = size;
  body.more = true;
  while (buffer_.size() > 0 && !parser_->is_done() && body.size > 0) {
    auto input = buffer_.data();
    // At a chunk boundary, offer no more than the limits allow (see chunk_limits.hpp). The
    // parser is not eager for chunked bodies: each put is one step, a line or some data.
    const bool at_chunk_line = parser_->chunked() && chunk_.left == 0;
    if (at_chunk_line) {
      input = net::buffer(input.data(), chunk_header_window(as_view(input), trailer_budget()));
    }
    const std::size_t room = body.size;
    const std::size_t used = put(input, ec, BodyError::trailers_too_large);
    buffer_.consume(used);
    if (!at_chunk_line) chunk_.left -= std::min<std::uint64_t>(chunk_.left, room - body.size);
    if (ec == bhttp::error::need_more) {
      starved_at_ = buffer_.size();  // the body phase consumes nothing else: grows only
      ec = {};
      // What waits unparsed now is chunk metadata: bounded here, or it grows with the input.
      if (auto problem = check_chunk_metadata(as_view(buffer_.data()), trailer_budget())) {
        ec = *problem;
      }
      break;
    }
    if (ec == bhttp::error::need_buffer) {
      ec = {};
      break;
    }
    if (ec) break;
    if (used == 0) break;
  }
  const std::size_t produced = size - body.size;
  body.data = nullptr;
  body.size = 0;
  body_received_ += produced;
  return produced;
}

// Beast throws std::length_error for a field value of 65,534 bytes or more (it stores field
// sizes in 16 bits); the limits keep such fields out, and this turns one that got in anyway
// into `too_large` (431) instead of an exception that would stop the worker.
std::size_t Session::put(net::const_buffer input, error_code& ec, error_code too_large) {
  try {
    return parser_->put(input, ec);
  } catch (const std::length_error&) {
    ec = too_large;
    return 0;
  }
}

std::size_t Session::trailer_budget() const {
  const std::size_t limit = shared_.options.max_header_bytes;
  // The blank line that ends the trailers is not a field: always allowed.
  return (limit > header_bytes_ ? limit - header_bytes_ : 0) + 2;
}

// The body must have arrived by body_timeout after the header; with a minimum rate, each
// byte received buys 1/rate s more, so that a long upload at a good rate is not cut off,
// and a trickle still is.
Session::Clock::time_point Session::body_deadline() const {
  auto deadline = body_start_ + shared_.options.body_timeout;
  if (const auto rate = shared_.options.min_body_rate; rate > 0) {
    deadline += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(body_received_) / rate));
  }
  return deadline;
}

bool Session::fail_header(error_code ec) {
  if (ec == bhttp::error::body_limit) return fail_body(ec);  // a declared length over the limit
  fail(error_response(400, "bad_request", "malformed request header: " + ec.message()));
  return true;
}

bool Session::fail_body(error_code ec) {
  fail(body_error_response(ec));
  return true;
}

void Session::send_continue() {
  // The client waits for this interim response before it sends the body.
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  continue_pending_ = false;
  net::async_write(socket_, net::buffer(kContinue),
                   [self = shared_from_this()](error_code ec, std::size_t) {
                     if (self->phase_ == Phase::closed) return;
                     if (ec) {
                       self->close();
                       return;
                     }
                     if (self->streamed_) {
                       self->continue_streamed_read();
                     } else {
                       self->do_read();
                     }
                   });
}

void Session::begin_request_metrics() {
  in_flight_ = true;
  shared_.metrics.request_started();
}

void Session::dispatch() {
  phase_ = Phase::handling;
  set_deadline(Clock::time_point::max());
  const RequestHeader& req = parser_->get().base();
  head_only_ = req.method() == bhttp::verb::head;
  begin_request_metrics();
  try {
    shared_.handler.handle(req, body_, RequestInfo{remote_, request_start_, remote_addr_},
                           Responder(shared_from_this()));
  } catch (const std::exception& e) {
    if (phase_ == Phase::handling) {
      complete(error_response(500, "internal_error", "the server failed to handle the request"));
    }
  }
}

void Session::fail(Response&& response) {
  if (phase_ == Phase::idle) request_start_ = Clock::now();
  phase_ = Phase::handling;
  begin_request_metrics();
  head_only_ = false;
  response.close = true;
  complete(std::move(response));
}

bool Session::client_keep_alive() const {
  // The parser's flags, not the message's keep_alive(), which looks the Connection field up again.
  return parser_ && parser_->is_header_done() && parser_->keep_alive() &&
         !shared_.draining.load(std::memory_order_relaxed);
}

bool Session::body_complete() const {
  return parser_ && parser_->is_done();
}

void Session::complete(Response&& response) {
  if (phase_ != Phase::handling) return;  // closed meanwhile, or answered twice
  phase_ = Phase::writing;
  response_ = std::move(response);
  const bool parsed = parser_ && parser_->is_header_done();
  const unsigned version = parsed ? parser_->get().version() : 11;
  // A request whose body was not read to its end leaves the connection unusable.
  keep_alive_ = client_keep_alive() && parser_->is_done() && !response_.close;
  out_.clear();
  serialize_response(out_, response_, shared_.identity, version, keep_alive_, head_only_);
  set_deadline(Clock::now() + shared_.options.write_timeout);
  net::async_write(socket_, net::buffer(out_),
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(error_code ec) {
  if (phase_ == Phase::closed) return;
  log_and_count(response_.status, head_only_ ? 0 : response_.body.size(), response_.route,
                response_.log_extra);
  if (ec) {
    close();
    return;
  }
  end_exchange(keep_alive_);
}

void Session::end_exchange(bool keep_alive) {
  if (!keep_alive) {
    begin_lingering_close();
    return;
  }
  new_parser();
  set_deadline(Clock::now() + shared_.options.idle_timeout);
  do_read();
}

// ---- streamed exchanges ----

void Session::read_body(net::mutable_buffer into, ReadHandler handler) {
  if (into.size() == 0) {  // would read without ever delivering a byte
    net::post(executor_, [h = std::move(handler)] { h(net::error::invalid_argument, 0); });
    return;
  }
  if (phase_ == Phase::closed) {
    net::post(executor_, [h = std::move(handler)] { h(net::error::operation_aborted, 0); });
    return;
  }
  pending_read_ = into;
  pending_read_handler_ = std::move(handler);
  continue_streamed_read();
}

void Session::continue_streamed_read() {
  if (!pending_read_handler_) return;
  error_code ec;
  std::size_t got = 0;
  if (!parser_->is_done()) {
    got = parse_body_into(static_cast<char*>(pending_read_.data()), pending_read_.size(), ec);
  }
  // The deadline is the body's, from the end of the header: it counts while the handler is
  // busy elsewhere too (a total deadline, not an idle one).
  if (!ec && got == 0 && !parser_->is_done() && Clock::now() >= body_deadline()) {
    ec = BodyError::timed_out;
  }
  if (ec || got > 0 || parser_->is_done()) {
    if (ec == bhttp::error::body_limit) ec = net::error::message_size;
    set_deadline(Clock::time_point::max());
    net::post(executor_, [h = std::move(pending_read_handler_), ec, got] { h(ec, got); });
    pending_read_handler_ = nullptr;
    return;
  }
  if (continue_pending_) {
    send_continue();
    return;
  }
  set_deadline(body_deadline());
  socket_read_active_ = true;
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](error_code rec, std::size_t n) {
                            self->on_streamed_read(rec, n);
                          });
}

void Session::on_streamed_read(error_code ec, std::size_t n) {
  socket_read_active_ = false;
  if (!pending_read_handler_) return;
  if (body_timed_out_) {
    ec = BodyError::timed_out;  // cancelled by on_timeout()
  } else if (!ec && phase_ == Phase::closed) {
    ec = net::error::operation_aborted;
  }
  if (ec) {
    auto h = std::move(pending_read_handler_);
    pending_read_handler_ = nullptr;
    h(ec, 0);
    return;
  }
  buffer_.commit(n);
  continue_streamed_read();
}

void Session::write(net::const_buffer data, WriteHandler handler) {
  if (phase_ == Phase::closed) {
    net::post(executor_, [h = std::move(handler)] { h(net::error::operation_aborted); });
    return;
  }
  set_deadline(Clock::now() + shared_.options.write_timeout);
  write_active_ = true;
  net::async_write(socket_, data,
                   [self = shared_from_this(), h = std::move(handler)](error_code ec, std::size_t) {
                     self->write_active_ = false;
                     if (!self->pending_read_handler_) self->set_deadline(Clock::time_point::max());
                     h(ec);
                   });
}

void Session::finish(StreamedResult&& result) {
  if (phase_ == Phase::closed) {
    log_and_count(result.status, result.body_bytes, result.route, result.log_extra);
    return;
  }
  if (phase_ != Phase::handling) return;
  log_and_count(result.status, result.body_bytes, result.route, result.log_extra);
  end_exchange(result.keep_alive && client_keep_alive() && parser_->is_done() &&
               !socket_read_active_);
}

void Session::log_and_count(unsigned status, std::size_t body_bytes, std::uint16_t route,
                            std::string_view log_extra) {
  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - request_start_).count();
  if (in_flight_) {
    in_flight_ = false;
    shared_.metrics.request_finished(route, status, seconds);
  }
  if (!shared_.log.enabled()) return;
  const bool parsed = parser_ && parser_->is_header_done();
  std::string line;
  line.reserve(256);
  if (parsed) {
    const RequestHeader& req = parser_->get().base();
    const std::string rl = request_line(req);
    format_access_line(
        line, {remote_addr_, rl, status, body_bytes, field_or_empty(req, bhttp::field::referer),
               field_or_empty(req, bhttp::field::user_agent),
               field_or_empty(req, "X-Forwarded-For"), seconds, log_extra});
  } else {
    format_access_line(line,
                       {remote_addr_, {}, status, body_bytes, {}, {}, {}, seconds, log_extra});
  }
  shared_.log.write(line);
}

// ---- timeouts ----
// One timer per connection (DeadlineTimer): moving a deadline later is a field write. The
// timer never sleeps longer than the shortest timeout (`timer_tick`); only a deadline earlier
// than its expiry (the short lingering close) re-arms it at once.

void Session::set_deadline(Clock::time_point deadline) {
  // A closed connection's timer stays stopped: its wait would keep the session alive.
  if (phase_ != Phase::closed) timer_.set(deadline, *this);
}

void Session::on_deadline() {
  if (phase_ != Phase::closed) on_timeout();
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
    case Phase::handling:
      // A streamed handler waiting for the body: its read fails with a timeout, and it
      // answers (408 if it has not answered yet). Cancelling would cut a write in flight too.
      if (socket_read_active_ && !write_active_) {
        body_timed_out_ = true;
        socket_.cancel();
        return;
      }
      close();
      return;
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
  if (pending_read_handler_ && !socket_read_active_) {
    net::post(executor_,
              [h = std::move(pending_read_handler_)] { h(net::error::operation_aborted, 0); });
    pending_read_handler_ = nullptr;
  }
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
