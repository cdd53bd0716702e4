#include "conv/http/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <system_error>

#include "conv/http/error_response.hpp"
#include "conv/http/session.hpp"

namespace conv::http::detail {

namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

tcp::endpoint resolve_listen_endpoint(const std::string& host, std::uint16_t port) {
  error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (!ec) return {address, port};
  // A name ("localhost"): resolved once, at start-up, before any thread serves requests.
  net::io_context ctx;
  tcp::resolver resolver(ctx);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::system_error(ec ? std::error_code(ec) : make_error_code(std::errc::invalid_argument),
                            "cannot resolve listen host '" + host + "'");
  }
  return results.begin()->endpoint();
}

std::unique_ptr<tcp::acceptor> open_acceptor(net::io_context& ctx, const tcp::endpoint& ep,
                                             bool reuse_port) {
  auto acceptor = std::make_unique<tcp::acceptor>(ctx);
  error_code ec;
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && reuse_port) {
    int one = 1;
    if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec.assign(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  // Non-blocking, so that after each readiness event the worker can take a batch of
  // connections with plain accept() until it would block (see Server::accept_on).
  if (!ec) acceptor->non_blocking(true, ec);
  if (ec) {
    throw std::system_error(std::error_code(ec), "cannot listen on " + ep.address().to_string() +
                                                     ":" + std::to_string(ep.port()));
  }
  return acceptor;
}

// SO_REUSEPORT would let us share a port with another process that also set it, silently
// splitting its traffic. Bind once without it first, so that a taken port is an error.
void ensure_port_free(const tcp::endpoint& ep) {
  net::io_context ctx;
  open_acceptor(ctx, ep, false);
}

void open_session(tcp::socket socket, ServerShared& shared, ConnectionRegistry& registry,
                  tls::Termination* tls) {
  if (tls != nullptr) {
    std::make_shared<TlsSession>(TlsStream(std::move(socket), *tls), shared, registry)->start();
    return;
  }
  std::make_shared<Session>(PlainStream(std::move(socket)), shared, registry)->start();
}

void reject_connection(tcp::socket socket, const ResponseIdentity& identity) {
  struct Rejection {
    tcp::socket socket;
    std::string out;
  };
  auto r = std::make_shared<Rejection>(Rejection{std::move(socket), {}});
  Response resp = error_response(503, "too_many_connections",
                                 "the server is at its connection limit; retry later");
  serialize_response(r->out, resp, identity, 11, false, false);
  net::async_write(r->socket, net::buffer(r->out), [r](error_code, std::size_t) {
    error_code ignored;
    r->socket.shutdown(tcp::socket::shutdown_both, ignored);
    r->socket.close(ignored);
  });
}

}  // namespace conv::http::detail
