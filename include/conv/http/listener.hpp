#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "conv/http/response.hpp"
#include "conv/http/session_core.hpp"

namespace conv::tls {
class Termination;
}

namespace conv::http::detail {

// The listening side of a server: its sockets, and what an accepted connection becomes. The
// Server's accept loop (batches, the connection cap, handing over between threads) works on
// TCP sockets; open_session() is the one place that picks the stream a connection's session
// runs over, so TLS (a context per listener, a handshake) plugs in here and in stream.hpp.

// The address to listen on; a name is resolved once, at start-up. Throws std::system_error.
boost::asio::ip::tcp::endpoint resolve_listen_endpoint(const std::string& host, std::uint16_t port);
// A bound, listening, non-blocking acceptor. Throws std::system_error.
std::unique_ptr<boost::asio::ip::tcp::acceptor> open_acceptor(
    boost::asio::io_context& ctx, const boost::asio::ip::tcp::endpoint& ep, bool reuse_port);
// Throws if another process holds the port (which SO_REUSEPORT would silently share).
void ensure_port_free(const boost::asio::ip::tcp::endpoint& ep);

// Starts the session of an admitted connection, on the socket's executor: over TLS with
// `tls` (the handshake first), else plain.
void open_session(boost::asio::ip::tcp::socket socket, ServerShared& shared,
                  ConnectionRegistry& registry, tls::Termination* tls);
// Answers a connection over the cap with 503 and closes it, without reading the request.
void reject_connection(boost::asio::ip::tcp::socket socket, const ResponseIdentity& identity);

}  // namespace conv::http::detail
