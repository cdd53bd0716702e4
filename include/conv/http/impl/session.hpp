#pragma once

// BasicSession's definitions (and SessionStream's): included where a session is compiled for
// a stream type (session.cpp for PlainStream; a test for a stream of its own).

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "conv/http/body_error.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/impl/session_stream.hpp"
#include "conv/http/session.hpp"

namespace conv::http::detail {

template <typename Stream>
BasicSession<Stream>::BasicSession(Stream stream, ServerShared& shared,
                                   ConnectionRegistry& registry)
    : SessionStream<Stream>(std::move(stream), shared, registry) {}

template <typename Stream>
void BasicSession<Stream>::start() {
  register_connection();
  if (shared_.draining.load(std::memory_order_relaxed)) {
    close();
    return;
  }
  new_request();
  // A new connection gets the header timeout for its first request, not the idle timeout
  // of a kept-alive one: a client that connects and says nothing is closed as soon as one
  // that stalls mid-header. A TLS handshake counts in that same deadline.
  set_deadline(Clock::now() + shared_.options.header_timeout);
  if constexpr (kIsTls<Stream>) {
    handshake();
  } else {
    do_read();
  }
}

// TLS only (the explicit instantiation for plain TCP compiles these to nothing).
template <typename Stream>
void BasicSession<Stream>::handshake() {
  if constexpr (kIsTls<Stream>) {
    secure_ = true;
    connection_headers_ = stream_.termination().hsts_header();
    stream_.async_handshake(
        boost::asio::ssl::stream_base::server,
        [self = self()](boost::system::error_code ec) { self->on_handshake(ec); });
  }
}

template <typename Stream>
void BasicSession<Stream>::on_handshake(boost::system::error_code ec) {
  if constexpr (kIsTls<Stream>) {
    auto& stats = stream_.termination().stats();
    if (phase_ == Phase::closed) {
      // The deadline closed it (or a drain, while the handshake was still going).
      const bool drained = shared_.draining.load(std::memory_order_relaxed);
      stats.count_failure(drained ? tls::HandshakeFailure::closed : tls::HandshakeFailure::timeout);
      return;
    }
    if (ec) {
      stats.count_failure(tls::classify_handshake_error(ec, false));
      close();
      return;
    }
    stats.count_success(SSL_session_reused(stream_.native_handle()) == 1);
    do_read();
  }
}

template <typename Stream>
void BasicSession<Stream>::do_read() {
  // Pipelined requests may already be buffered.
  if (reader_.buffered() > 0 && parse()) return;
  read_stream();
}

template <typename Stream>
void BasicSession<Stream>::read_stream() {
  if constexpr (kIsTls<Stream>) {
    if (phase_ == Phase::idle && reader_.buffered() == 0) {
      read_idle_tls();
      return;
    }
  }
  stream_.async_read_some(
      reader_.prepare(),
      [self = self()](boost::system::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

// TLS only. An idle TLS connection holds no read buffer, as OpenSSL holds none (stream.hpp):
// a read that finds nothing yet frees the session's buffer and waits for the client's next
// bytes before it takes one again. (A 16 KiB buffer recycled from the handshake's is resident
// in full, where a plain connection's fresh one has touched only its first pages.)
//
// The read is synchronous (no completion posted, so no turn of the event loop) unless this is
// already inside one: a client sending nothing but line ends would otherwise recurse here.
template <typename Stream>
void BasicSession<Stream>::read_idle_tls() {
  if constexpr (kIsTls<Stream>) {
    if (!reading_synchronously_) {
      boost::system::error_code ec;
      std::size_t n = 0;
      if (stream_.try_read_some(reader_.prepare(), n, ec)) {
        reading_synchronously_ = true;
        on_idle_read(ec, n);
        reading_synchronously_ = false;
        return;
      }
    }
    stream_.async_try_read_some(reader_.prepare(),
                                [self = self()](boost::system::error_code ec, std::size_t n) {
                                  self->on_idle_read(ec, n);
                                });
  }
}

template <typename Stream>
void BasicSession<Stream>::on_idle_read(boost::system::error_code ec, std::size_t n) {
  if constexpr (kIsTls<Stream>) {
    if (ec != boost::asio::error::would_block) {
      on_read(ec, n);
      return;
    }
    if (phase_ != Phase::idle) return;  // closed meanwhile (a timeout, a drain)
    reader_.release();
    stream_.async_wait_readable([self = self()](boost::system::error_code wait_ec) {
      if (wait_ec) {
        self->on_read(wait_ec, 0);
      } else if (self->phase_ == Phase::idle) {
        self->read_stream();
      }
    });
  }
}

template <typename Stream>
void BasicSession<Stream>::on_read(boost::system::error_code ec, std::size_t n) {
  // A read is outstanding only while a request is being received; anything else (a timeout
  // answering 408, a close) has moved on and this completion is stale.
  if (phase_ != Phase::idle && phase_ != Phase::header && phase_ != Phase::body) return;
  if (ec) {
    // EOF or reset between requests is a normal end; in the middle of one there is nobody left
    // to answer.
    close();
    return;
  }
  reader_.commit(n);
  if (parse()) return;
  // Not do_read(): parse() has just seen these bytes.
  read_stream();
}

template <typename Stream>
bool BasicSession<Stream>::parse() {
  if (phase_ == Phase::idle) reader_.skip_empty_lines();
  if (phase_ == Phase::idle && reader_.buffered() > 0) {
    phase_ = Phase::header;
    request_start_ = Clock::now();
    set_deadline(request_start_ + shared_.options.header_timeout);
  }
  if (phase_ == Phase::header) {
    std::optional<Response> failure;  // not a Response: its default content type allocates
    switch (reader_.parse_header(failure)) {
      case RequestReader::HeaderStatus::need_more:
        return false;
      case RequestReader::HeaderStatus::failed:
        fail(std::move(*failure));
        return true;
      case RequestReader::HeaderStatus::complete:
        break;
    }
    begin_body();
    set_deadline(reader_.body_deadline());
    if (streamed_) {
      dispatch();
      return true;
    }
  }
  return parse_buffered_body();
}

// Phase::body, buffered: collect the body into body_.
template <typename Stream>
bool BasicSession<Stream>::parse_buffered_body() {
  while (!reader_.done()) {
    if (reader_.buffered() == 0) {
      if (continue_pending_) {
        send_continue();
        return true;
      }
      return false;
    }
    boost::system::error_code ec;
    const auto step = reader_.append_body(body_, ec);
    if (ec) {
      fail(body_error_response(ec));
      return true;
    }
    if (step.got > 0 && shared_.options.min_body_rate > 0) set_deadline(reader_.body_deadline());
    if (step.stalled) return false;
  }
  dispatch();
  return true;
}

template <typename Stream>
void BasicSession<Stream>::send_continue() {
  // The client waits for this interim response before it sends the body.
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  continue_pending_ = false;
  boost::asio::async_write(stream_, boost::asio::buffer(kContinue),
                           [self = self()](boost::system::error_code ec, std::size_t) {
                             if (self->phase_ == Phase::closed) return;
                             if (ec) {
                               self->close();
                             } else if (self->streamed_) {
                               self->continue_streamed_read();
                             } else {
                               self->do_read();
                             }
                           });
}

template <typename Stream>
void BasicSession<Stream>::dispatch() {
  set_deadline(Clock::time_point::max());
  call_handler();
}

template <typename Stream>
void BasicSession<Stream>::complete(Response&& response) {
  if (!frame_response(std::move(response))) return;
  set_deadline(Clock::now() + shared_.options.write_timeout);
  boost::asio::async_write(
      stream_, boost::asio::buffer(out_),
      [self = self()](boost::system::error_code ec, std::size_t) { self->on_write(ec); });
}

template <typename Stream>
void BasicSession<Stream>::on_write(boost::system::error_code ec) {
  if (phase_ == Phase::closed) return;
  log_response();
  if (ec) {
    close();
    return;
  }
  end_exchange(keep_alive_);
}

template <typename Stream>
void BasicSession<Stream>::end_exchange(bool keep_alive) {
  // Draining may have begun while this response was on its way, framed for keep-alive:
  // drain() then found the connection busy and left it, so it ends here instead of idling
  // until the idle timeout holds the shutdown up.
  if (!keep_alive || shared_.draining.load(std::memory_order_relaxed)) {
    begin_lingering_close();
    return;
  }
  new_request();
  set_deadline(Clock::now() + shared_.options.idle_timeout);
  do_read();
}

// ---- streamed exchanges ----

template <typename Stream>
void BasicSession<Stream>::read_body(boost::asio::mutable_buffer into, ReadHandler handler) {
  namespace net = boost::asio;
  if (into.size() == 0) {  // would read without ever delivering a byte
    net::post(this->executor(), [h = std::move(handler)] { h(net::error::invalid_argument, 0); });
    return;
  }
  if (phase_ == Phase::closed) {
    net::post(this->executor(), [h = std::move(handler)] { h(net::error::operation_aborted, 0); });
    return;
  }
  pending_read_ = into;
  pending_read_handler_ = std::move(handler);
  continue_streamed_read();
}

template <typename Stream>
void BasicSession<Stream>::continue_streamed_read() {
  if (!pending_read_handler_ || deliver_streamed_body()) return;
  if (continue_pending_) {
    send_continue();
    return;
  }
  set_deadline(reader_.body_deadline());
  socket_read_active_ = true;
  stream_.async_read_some(reader_.prepare(),
                          [self = self()](boost::system::error_code ec, std::size_t n) {
                            self->on_streamed_read(ec, n);
                          });
}

// Hands the pending read what the buffer holds of the body, its end, or an error; false if
// there is nothing to hand yet.
template <typename Stream>
bool BasicSession<Stream>::deliver_streamed_body() {
  boost::system::error_code ec;
  std::size_t got = 0;
  if (!reader_.done()) {
    got =
        reader_.parse_body_into(static_cast<char*>(pending_read_.data()), pending_read_.size(), ec);
  }
  // The deadline is the body's, from the end of the header: it counts while the handler is
  // busy elsewhere too (a total deadline, not an idle one).
  if (!ec && got == 0 && !reader_.done() && Clock::now() >= reader_.body_deadline()) {
    ec = BodyError::timed_out;
  }
  if (!ec && got == 0 && !reader_.done()) return false;
  if (ec == boost::beast::http::error::body_limit) ec = boost::asio::error::message_size;
  set_deadline(Clock::time_point::max());
  boost::asio::post(this->executor(),
                    [h = std::move(pending_read_handler_), ec, got] { h(ec, got); });
  pending_read_handler_ = nullptr;
  return true;
}

template <typename Stream>
void BasicSession<Stream>::on_streamed_read(boost::system::error_code ec, std::size_t n) {
  socket_read_active_ = false;
  if (!pending_read_handler_) return;
  if (body_timed_out_) {
    ec = BodyError::timed_out;  // cancelled by on_timeout()
  } else if (!ec && phase_ == Phase::closed) {
    ec = boost::asio::error::operation_aborted;
  }
  if (ec) {
    auto h = std::move(pending_read_handler_);
    pending_read_handler_ = nullptr;
    h(ec, 0);
    return;
  }
  reader_.commit(n);
  continue_streamed_read();
}

template <typename Stream>
void BasicSession<Stream>::write(boost::asio::const_buffer data, WriteHandler handler) {
  if (phase_ == Phase::closed) {
    boost::asio::post(this->executor(),
                      [h = std::move(handler)] { h(boost::asio::error::operation_aborted); });
    return;
  }
  set_deadline(Clock::now() + shared_.options.write_timeout);
  write_active_ = true;
  boost::asio::async_write(
      stream_, data,
      [self = self(), h = std::move(handler)](boost::system::error_code ec, std::size_t) {
        self->write_active_ = false;
        if (!self->pending_read_handler_) self->set_deadline(Clock::time_point::max());
        h(ec);
      });
}

template <typename Stream>
void BasicSession<Stream>::finish(StreamedResult&& result) {
  if (phase_ == Phase::closed) {
    log_and_count(result.status, result.body_bytes, result.route,
                  {result.log_extra, result.request_id});
    return;
  }
  if (phase_ != Phase::handling) return;
  log_and_count(result.status, result.body_bytes, result.route,
                {result.log_extra, result.request_id});
  end_exchange(result.keep_alive && client_keep_alive() && reader_.done() && !socket_read_active_);
}

// ---- a switched protocol ----

template <typename Stream>
void BasicSession<Stream>::read_raw(boost::asio::mutable_buffer into, ReadHandler handler) {
  namespace net = boost::asio;
  if (phase_ == Phase::closed) {
    net::post(this->executor(), [h = std::move(handler)] { h(net::error::operation_aborted, 0); });
    return;
  }
  if (reader_.buffered() > 0) {  // sent before the switch, after the request
    const std::size_t n = reader_.take(static_cast<char*>(into.data()), into.size());
    net::post(this->executor(), [h = std::move(handler), n] { h({}, n); });
    return;
  }
  // No deadline of the session's: the handler keeps its own (an idle one) and cancels.
  stream_.async_read_some(
      into, [self = self(), h = std::move(handler)](boost::system::error_code ec, std::size_t n) {
        if (!ec && self->phase_ == Phase::closed) ec = net::error::operation_aborted;
        h(ec, n);
      });
}

template <typename Stream>
void BasicSession<Stream>::shutdown_write() {
  if (phase_ == Phase::closed) return;
  if constexpr (kIsTls<Stream>) {
    // close_notify, once, without waiting for the client's (reads go on); if the socket
    // cannot take it now, the close at the end sends what it can.
    ERR_clear_error();
    SSL_shutdown(stream_.native_handle());
  } else {
    boost::system::error_code ignored;
    tcp_socket(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }
}

template <typename Stream>
void BasicSession<Stream>::cancel() {
  boost::system::error_code ignored;
  if (phase_ != Phase::closed) tcp_socket(stream_).cancel(ignored);
}

}  // namespace conv::http::detail
