#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/stream_traits.hpp>

namespace conv::http::detail {

// The streams a session can run over. A stream is an Asio AsyncReadStream and AsyncWriteStream
// whose lowest layer (Beast's get_lowest_layer) is the connection's TCP socket, on which the
// session half-closes, cancels and closes.
//
// Plain TCP is the socket itself, not Beast's tcp_stream: the session keeps one lazily re-armed
// timer for every deadline, where tcp_stream would arm a timer of its own on each operation.
// TLS (issue 13) adds `using TlsStream = boost::beast::ssl_stream<PlainStream>;`, whose lowest
// layer is that same socket; see docs/architecture.md, "Streams, TLS and a second protocol".
using PlainStream = boost::asio::ip::tcp::socket;

// The TCP socket under any stream.
template <typename Stream>
boost::asio::ip::tcp::socket& tcp_socket(Stream& stream) {
  return boost::beast::get_lowest_layer(stream);
}

}  // namespace conv::http::detail
