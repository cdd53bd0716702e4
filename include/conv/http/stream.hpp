#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <cerrno>
#include <memory>
#include <new>
#include <type_traits>

#include "conv/tls/termination.hpp"

namespace conv::http::detail {

// The streams a session can run over. A stream is an Asio AsyncReadStream and AsyncWriteStream
// whose lowest layer (Beast's get_lowest_layer) is the connection's TCP socket, on which the
// session half-closes, cancels and closes.
//
// Plain TCP is the socket itself, not Beast's tcp_stream: the session keeps one lazily re-armed
// timer for every deadline, where tcp_stream would arm a timer of its own on each operation.
using PlainStream = boost::asio::ip::tcp::socket;

// TLS: OpenSSL on the connection's socket itself (SSL_set_fd), driven by Asio's readiness
// waits, as nginx and HAProxy drive it. OpenSSL does the protocol and the records; with
// SSL_MODE_RELEASE_BUFFERS (set on every context) an idle connection holds no record buffer.
// (Asio's ssl::stream, under Beast's ssl_stream, keeps four 17 KiB buffers per connection for
// its whole life, two of its own and a BIO pair's two: 62 of the 68 KiB an idle TLS connection
// cost; bench/tls.sh.) It keeps the contexts it started with alive (a reload swaps in new ones
// for new connections only) and knows its listener's Termination, which counts the handshake
// and holds the HSTS header. An AsyncReadStream and AsyncWriteStream whose next (and lowest)
// layer is the TCP socket; one read and one write may be outstanding at once, as on a socket.
class TlsStream {
 public:
  using executor_type = PlainStream::executor_type;
  using next_layer_type = PlainStream;
  using lowest_layer_type = PlainStream::lowest_layer_type;

  TlsStream(PlainStream socket, tls::Termination& termination)
      : TlsStream(std::move(socket), termination, termination.current()) {}
  TlsStream(TlsStream&&) noexcept = default;
  TlsStream& operator=(TlsStream&&) noexcept = default;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  PlainStream& next_layer() noexcept { return socket_; }
  lowest_layer_type& lowest_layer() noexcept { return socket_.lowest_layer(); }
  SSL* native_handle() noexcept { return ssl_.get(); }
  tls::Termination& termination() const { return *termination_; }

  // Handler: void(error_code). Only the server side is supported.
  template <typename Handler>
  void async_handshake(boost::asio::ssl::stream_base::handshake_type, Handler&& handler) {
    drive(
        [this](std::size_t&, boost::system::error_code& ec) {
          ERR_clear_error();
          const int r = SSL_do_handshake(ssl_.get());
          return r == 1 ? Want::done : failure(r, ec);
        },
        [h = std::forward<Handler>(handler)](boost::system::error_code ec, std::size_t) mutable {
          h(ec);
        },
        true);
  }

  // Handler: void(error_code, std::size_t). Reads into the first non-empty buffer.
  template <typename Buffers, typename Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    start_read(first_buffer(buffers), false, std::forward<Handler>(handler));
  }

  // Handler: void(error_code, std::size_t). As async_read_some, but never waits for the
  // socket: error::would_block when OpenSSL needs more input than has arrived.
  template <typename Buffers, typename Handler>
  void async_try_read_some(const Buffers& buffers, Handler&& handler) {
    start_read(first_buffer(buffers), true, std::forward<Handler>(handler));
  }

  // One read now, without waiting and without a completion handler: what one SSL_read_ex
  // gives, in n and ec (error::would_block when OpenSSL needs more of the socket than has
  // arrived). False when it must write first: the caller then takes async_try_read_some. A
  // session that reads synchronously saves the posted completion, and with it a turn of the
  // event loop (an epoll_wait) per request.
  template <typename Buffers>
  bool try_read_some(const Buffers& buffers, std::size_t& n, boost::system::error_code& ec) {
    n = 0;
    ec = {};
    if (!socket_.is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return true;
    }
    const Want want = read_once(first_buffer(buffers), n, ec);
    if (want == Want::read) ec = boost::asio::error::would_block;
    return want != Want::write;
  }

  // Handler: void(error_code). After a read that would block: completes when the socket is
  // readable. (Not SSL_has_pending(): with read-ahead it is true for a partial record too,
  // which needs the socket all the same.) Not while a read is outstanding.
  template <typename Handler>
  void async_wait_readable(Handler&& handler) {
    socket_.async_wait(PlainStream::wait_read, std::forward<Handler>(handler));
  }

  // Handler: void(error_code, std::size_t). Several buffers are gathered into one record (up
  // to 16 KiB), as Beast's flat_stream did: a response's header and body leave in one record.
  template <typename Buffers, typename Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    std::size_t total = 0, count = 0;
    boost::asio::const_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      if (count++ == 0) first = b;
      total += b.size();
    }
    std::unique_ptr<char[]> gathered;
    if (count > 1 && first.size() < kRecord) {
      const std::size_t size = std::min(total, kRecord);
      gathered.reset(new char[size]);
      boost::asio::buffer_copy(boost::asio::buffer(gathered.get(), size), buffers);
      first = boost::asio::const_buffer(gathered.get(), size);
    }
    drive(
        [this, first, g = std::move(gathered)](std::size_t& n, boost::system::error_code& ec) {
          if (first.size() == 0) return Want::done;
          ERR_clear_error();
          const int r = SSL_write_ex(ssl_.get(), first.data(), first.size(), &n);
          return r == 1 ? Want::done : failure(r, ec);
        },
        std::forward<Handler>(handler), true);
  }

  // Handler: void(error_code). Sends close_notify, then reads (and discards what else
  // arrives) until the client's; the caller bounds the wait.
  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    drive(
        [this](std::size_t&, boost::system::error_code& ec) {
          SSL* ssl = ssl_.get();
          if ((SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) == 0) {
            ERR_clear_error();
            const int r = SSL_shutdown(ssl);
            if (r == 1) return Want::done;
            if (r < 0) return failure(r, ec);
          }
          char discard[4096];
          for (int i = 0; i < 64; ++i) {  // bounded: at most 256 KiB per readiness
            std::size_t got = 0;
            ERR_clear_error();
            const int r = SSL_read_ex(ssl, discard, sizeof discard, &got);
            if (r == 1) continue;
            const Want want = failure(r, ec);
            if (ec == boost::asio::error::eof) ec = {};  // the client's close_notify
            return want;
          }
          return Want::read;
        },
        [h = std::forward<Handler>(handler)](boost::system::error_code ec, std::size_t) mutable {
          h(ec);
        },
        true);
  }

 private:
  static constexpr std::size_t kRecord = 16384;
  enum class Want { done, read, write };
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  TlsStream(PlainStream socket, tls::Termination& termination,
            std::shared_ptr<const tls::ServerContext> context)
      : socket_(std::move(socket)),
        ssl_(SSL_new(context->initial().native_handle())),
        termination_(&termination),
        context_(std::move(context)) {
    if (!ssl_) throw std::bad_alloc();
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);  // OpenSSL reads and writes the socket itself
    SSL_set_fd(ssl_.get(), static_cast<int>(socket_.native_handle()));
    SSL_set_accept_state(ssl_.get());
    SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }

  template <typename Handler>
  void start_read(boost::asio::mutable_buffer b, bool would_block, Handler&& handler) {
    drive(
        [this, b, would_block](std::size_t& n, boost::system::error_code& ec) {
          const Want want = read_once(b, n, ec);
          if (want != Want::read || !would_block) return want;
          ec = boost::asio::error::would_block;
          return Want::done;
        },
        std::forward<Handler>(handler), true);
  }

  Want read_once(boost::asio::mutable_buffer b, std::size_t& n, boost::system::error_code& ec) {
    if (b.size() == 0) return Want::done;
    ERR_clear_error();
    const int r = SSL_read_ex(ssl_.get(), b.data(), b.size(), &n);
    return r == 1 ? Want::done : failure(r, ec);
  }

  template <typename Buffers>
  static boost::asio::mutable_buffer first_buffer(const Buffers& buffers) {
    boost::asio::mutable_buffer b;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && b.size() == 0; ++it) {
      b = *it;
    }
    return b;
  }

  // What a failed OpenSSL call (return value r) wants: to wait for the socket, or nothing more
  // (ec says why), with the error codes Asio's ssl::stream gives: eof for close_notify,
  // ssl::error::stream_truncated for a close without it, the ssl category for the rest.
  Want failure(int r, boost::system::error_code& ec) {
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), r)) {
      case SSL_ERROR_WANT_READ:
        return Want::read;
      case SSL_ERROR_WANT_WRITE:
        return Want::write;
      case SSL_ERROR_ZERO_RETURN:
        ec = boost::asio::error::eof;
        return Want::done;
      case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
          ec = saved_errno != 0
                   ? boost::system::error_code(saved_errno, boost::system::system_category())
                   : boost::system::error_code(boost::asio::ssl::error::stream_truncated);
          return Want::done;
        }
        break;
      default:
        break;
    }
    const unsigned long err = ERR_get_error();
    if (ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      ec = boost::asio::ssl::error::stream_truncated;
    } else {
      ec = boost::system::error_code(static_cast<int>(err), boost::asio::error::get_ssl_category());
    }
    return Want::done;
  }

  // Runs `attempt` (an OpenSSL call) until it is done, waiting for the socket as it wants,
  // then calls `handler` (through the executor if that is still the initiating call).
  template <typename Attempt, typename Handler>
  void drive(Attempt attempt, Handler handler, bool initiating) {
    std::size_t n = 0;
    boost::system::error_code ec;
    // Once the session has closed the socket its descriptor may already be another
    // connection's: OpenSSL must not touch it (Asio's socket operations fail the same way).
    Want want = Want::done;
    if (socket_.is_open()) {
      want = attempt(n, ec);
    } else {
      ec = boost::asio::error::bad_descriptor;
    }
    if (want == Want::done) {
      if (initiating) {
        boost::asio::post(socket_.get_executor(),
                          [h = std::move(handler), ec, n]() mutable { h(ec, n); });
      } else {
        handler(ec, n);
      }
      return;
    }
    socket_.async_wait(want == Want::read ? PlainStream::wait_read : PlainStream::wait_write,
                       [this, a = std::move(attempt),
                        h = std::move(handler)](boost::system::error_code wait_ec) mutable {
                         if (wait_ec) {
                           h(wait_ec, 0);
                           return;
                         }
                         drive(std::move(a), std::move(h), false);
                       });
  }

  PlainStream socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
  tls::Termination* termination_;
  std::shared_ptr<const tls::ServerContext> context_;
};

template <typename Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// The TCP socket under any stream.
template <typename Stream>
boost::asio::ip::tcp::socket& tcp_socket(Stream& stream) {
  return boost::beast::get_lowest_layer(stream);
}

}  // namespace conv::http::detail
