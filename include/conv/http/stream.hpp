#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
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

// TLS: Beast's ssl_stream over that same socket (OpenSSL does the protocol; Beast's flat
// stream gathers a write's buffers into one record). It keeps the contexts it started with
// alive (a reload swaps in new ones for new connections only) and knows its listener's
// Termination, which counts the handshake and holds the HSTS header.
class TlsStream : public boost::beast::ssl_stream<PlainStream> {
 public:
  TlsStream(PlainStream socket, tls::Termination& termination)
      : TlsStream(std::move(socket), termination, termination.current()) {}
  tls::Termination& termination() const { return *termination_; }

 private:
  TlsStream(PlainStream socket, tls::Termination& termination,
            std::shared_ptr<const tls::ServerContext> context)
      : boost::beast::ssl_stream<PlainStream>(std::move(socket), context->initial()),
        termination_(&termination),
        context_(std::move(context)) {}

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
