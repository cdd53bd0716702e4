#include "conv/balancer/proxy/tunnel.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include "conv/balancer/proxy/exchange.hpp"

namespace conv::balancer {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

// A side's orderly end: EOF, or over TLS a close without close_notify (most clients' way).
bool ended(const error_code& ec) {
  return ec == net::error::eof || ec == net::ssl::error::stream_truncated;
}

}  // namespace

void Tunnel::start() {
  buffers_ = std::make_unique<Buffers>();
  x_.arm(x_.ctx_.settings.tunnel_timeout());
  read_client();
  auto& pending = x_.attempt_.connection().buffer;
  if (pending.size() == 0) {
    read_upstream();
    return;
  }
  // What the upstream sent right after its 101 (a first message) was read with the head.
  ++in_flight_;
  x_.body_bytes_ += pending.size();
  x_.responder_.write(pending.data(), x_.bind([](Exchange& x, error_code ec) {
    x.attempt_.connection().buffer.clear();
    x.tunnel_.on_client_written(ec, 0);
  }));
}

// ---- client -> upstream ----

void Tunnel::read_client() {
  ++in_flight_;
  x_.responder_.read_raw(
      net::buffer(buffers_->up),
      x_.bind([](Exchange& x, error_code ec, std::size_t n) { x.tunnel_.on_client_read(ec, n); }));
}

void Tunnel::on_client_read(error_code ec, std::size_t n) {
  if (!go_on(ec, &Tunnel::client_ended)) return;
  x_.arm(x_.ctx_.settings.tunnel_timeout());
  x_.attempt_.sent(n);
  ++in_flight_;
  x_.attempt_.connection().io([this, n](auto& stream) {
    net::async_write(stream, net::buffer(buffers_->up.data(), n),
                     x_.bind([](Exchange& x, error_code wec, std::size_t) {
                       x.tunnel_.on_upstream_written(wec);
                     }));
  });
}

void Tunnel::on_upstream_written(error_code ec) {
  if (go_on(ec)) read_client();
}

void Tunnel::client_ended() {
  if (x_.attempt_.connection().tls) {
    abort();  // see the class comment
    return;
  }
  up_open_ = false;
  error_code ignored;
  x_.attempt_.connection().socket.shutdown(net::socket_base::shutdown_send, ignored);
  settle();
}

// ---- upstream -> client ----

void Tunnel::read_upstream() {
  ++in_flight_;
  x_.attempt_.connection().io([this](auto& stream) {
    stream.async_read_some(net::buffer(buffers_->down),
                           x_.bind([](Exchange& x, error_code ec, std::size_t n) {
                             x.tunnel_.on_upstream_read(ec, n);
                           }));
  });
}

void Tunnel::on_upstream_read(error_code ec, std::size_t n) {
  if (!go_on(ec, &Tunnel::upstream_ended)) return;
  x_.arm(x_.ctx_.settings.tunnel_timeout());
  ++in_flight_;
  x_.responder_.write(
      net::buffer(buffers_->down.data(), n),
      x_.bind([n](Exchange& x, error_code wec) { x.tunnel_.on_client_written(wec, n); }));
}

void Tunnel::on_client_written(error_code ec, std::size_t n) {
  x_.body_bytes_ += n;
  if (go_on(ec)) read_upstream();
}

void Tunnel::upstream_ended() {
  down_open_ = false;
  x_.responder_.shutdown_write();
  settle();
}

// ---- the end ----

bool Tunnel::go_on(error_code ec, void (Tunnel::*on_end)()) {
  --in_flight_;
  if (aborted_) {
    settle();
  } else if (on_end != nullptr && ended(ec)) {
    (this->*on_end)();
  } else if (ec) {
    abort();
  } else {
    return true;
  }
  return false;
}

void Tunnel::abort() {
  if (aborted_ || ended_) return;
  aborted_ = true;
  error_code ignored;
  x_.attempt_.connection().socket.cancel(ignored);
  x_.responder_.cancel();
  settle();
}

void Tunnel::settle() {
  if (ended_ || in_flight_ > 0 || (!aborted_ && (up_open_ || down_open_))) return;
  ended_ = true;
  // The connection closes (end() drops the upstream's; the client's closes after finish).
  x_.end(Outcome::finished(false));
}

}  // namespace conv::balancer
