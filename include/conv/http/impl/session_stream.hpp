#pragma once

// SessionStream's definitions; see impl/session.hpp.

#include <algorithm>
#include <boost/asio/post.hpp>

#include "conv/http/error_response.hpp"
#include "conv/http/session_stream.hpp"

namespace conv::http::detail {

inline constexpr std::chrono::seconds kLingerTime{2};

template <typename Stream>
SessionStream<Stream>::SessionStream(Stream stream, ServerShared& shared,
                                     ConnectionRegistry& registry)
    : SessionCore(shared, registry, tcp_socket(stream)),
      stream_(std::move(stream)),
      timer_(stream_.get_executor(), shared.timer_tick) {}

template <typename Stream>
void SessionStream<Stream>::drain() {
  if (phase_ == Phase::idle) close();
  // Otherwise the response in progress goes out with "Connection: close" (see complete()).
}

// ---- timeouts ----
// One timer per connection (DeadlineTimer): moving a deadline later is a field write. The
// timer never sleeps longer than the shortest timeout (`timer_tick`); only a deadline earlier
// than its expiry (the short lingering close) re-arms it at once.

template <typename Stream>
void SessionStream<Stream>::set_deadline(Clock::time_point deadline) {
  // A closed connection's timer stays stopped: its wait would keep the session alive.
  if (phase_ != Phase::closed) timer_.set(deadline, *this);
}

template <typename Stream>
void SessionStream<Stream>::on_deadline() {
  if (phase_ != Phase::closed) on_timeout();
}

template <typename Stream>
void SessionStream<Stream>::on_timeout() {
  switch (phase_) {
    case Phase::header:
    case Phase::body:
      // The client started a request and stalled: tell it why, then close.
      tcp_socket(stream_).cancel();
      fail(error_response(408, "request_timeout", "the request was not received in time"));
      return;
    case Phase::handling:
      // A streamed handler waiting for the body: its read fails with a timeout, and it
      // answers (408 if it has not answered yet). Cancelling would cut a write in flight too.
      if (socket_read_active_ && !write_active_) {
        body_timed_out_ = true;
        tcp_socket(stream_).cancel();
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

template <typename Stream>
void SessionStream<Stream>::begin_lingering_close() {
  // Half-close, then read and discard until the client closes too, so that unread request
  // bytes do not turn our close into a reset that destroys the response in flight.
  phase_ = Phase::lingering;
  set_deadline(Clock::now() + kLingerTime);
  if constexpr (kIsTls<Stream>) {
    // TLS ends with close_notify both ways (OpenSSL discards what the client still sends
    // meanwhile); the linger deadline bounds the wait for the client's.
    stream_.async_shutdown([self = self()](boost::system::error_code) { self->close(); });
    return;
  }
  boost::system::error_code ignored;
  tcp_socket(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  reader_.discard();
  do_linger();
}

template <typename Stream>
void SessionStream<Stream>::do_linger() {
  stream_.async_read_some(reader_.prepare(),
                          [self = self()](boost::system::error_code ec, std::size_t n) {
                            if (self->phase_ == Phase::closed) return;
                            self->reader_.discard();
                            if (ec || n == 0) {
                              self->close();
                              return;
                            }
                            self->do_linger();
                          });
}

template <typename Stream>
void SessionStream<Stream>::close() {
  if (phase_ == Phase::closed) return;
  // A handler may still hold the responder; its answer will find the connection closed.
  phase_ = Phase::closed;
  if (pending_read_handler_ && !socket_read_active_) {
    boost::asio::post(executor(), [h = std::move(pending_read_handler_)] {
      h(boost::asio::error::operation_aborted, 0);
    });
    pending_read_handler_ = nullptr;
  }
  boost::system::error_code ignored;
  timer_.cancel();
  if constexpr (kIsTls<Stream>) {
    // As nginx does: the session stays resumable (OpenSSL drops from its cache the session of
    // a connection freed without close_notify sent, which would end TLS 1.2 session-ID
    // resumption for every client that does not use tickets).
    SSL_set_shutdown(stream_.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  }
  tcp_socket(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  tcp_socket(stream_).close(ignored);
}

}  // namespace conv::http::detail
