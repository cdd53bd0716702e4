#include "conv/http/async_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "conv/http/body_error.hpp"
#include "conv/tls/client_context.hpp"

namespace conv::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using net::ip::tcp;

namespace {

// The parser refuses a head beyond this; the buffer holding the peer's bytes stops at twice it.
constexpr std::size_t kMaxHead = 8192;

// One probe's steps. Every step's handler holds the exchange; the first of "the response
// head arrived", "a step failed" and "the deadline passed" ends it, and what completes after
// that (the operations it cancelled) is ignored.
class ProbeExchange : public std::enable_shared_from_this<ProbeExchange> {
 public:
  ProbeExchange(net::io_context& ctx, const ProbeRequest& request,
                std::chrono::milliseconds timeout, ProbeHandler done)
      : resolver_(ctx),
        socket_(ctx),
        timer_(ctx),
        buffer_(2 * kMaxHead),
        tls_(request.tls),
        max_body_(request.max_body),
        done_(std::move(done)) {
    request_ = "GET " + request.target + " HTTP/1.1\r\nHost: " + request.host_header +
               "\r\nUser-Agent: " + request.user_agent + "\r\nConnection: close\r\n\r\n";
    parser_.header_limit(kMaxHead);
    if (max_body_ == 0) {
      parser_.skip(true);  // the status line and headers are the answer; no body is read
    } else {
      parser_.body_limit(max_body_);
    }
    timer_.expires_after(timeout);
  }

  void arm() {
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return;
      ProbeResult r;
      r.error = "timed out";
      r.timed_out = true;
      r.reason = "timeout";
      self->finish(std::move(r));
    });
  }

  void resolve(const std::string& host, std::uint16_t port) {
    resolver_.async_resolve(
        host, std::to_string(port),
        [self = shared_from_this()](error_code ec, const tcp::resolver::results_type& found) {
          if (self->finished_) return;
          if (ec) return self->fail("resolve", ec, "resolve");
          self->connect(std::vector<tcp::endpoint>(found.begin(), found.end()));
        });
  }

  void connect(const std::vector<tcp::endpoint>& to) {
    net::async_connect(socket_, to,
                       [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                         if (self->finished_) return;
                         if (ec) return self->fail("connect", ec, "connect_refused");
                         self->tls_ ? self->handshake() : self->send();
                       });
  }

 private:
  // Runs f on the stream the request goes over: the socket, or the TLS stream on it.
  template <typename F>
  void with_stream(F f) {
    if (stream_) {
      f(*stream_);
    } else {
      f(socket_);
    }
  }

  void handshake() {
    stream_ = tls_->stream(socket_);
    stream_->async_handshake(tls::ClientStream::client, [self = shared_from_this()](error_code ec) {
      if (self->finished_) return;
      if (ec) {
        ProbeResult r;
        r.error = tls::handshake_error(self->stream_->native_handle(), ec);
        r.reason = "tls";
        return self->finish(std::move(r));
      }
      self->send();
    });
  }

  void send() {
    with_stream([this](auto& stream) { send_on(stream); });
  }
  template <typename Stream>
  void send_on(Stream& stream) {
    net::async_write(stream, net::buffer(request_),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (self->finished_) return;
                       if (ec) return self->fail("send", ec, "reset");
                       self->read();
                     });
  }

  void read() {
    with_stream([this](auto& stream) { read_on(stream); });
  }
  template <typename Stream>
  void read_on(Stream& stream) {
    auto done = [self = shared_from_this()](error_code ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->fail("read", ec, read_failure(ec));
      ProbeResult r;
      r.status = self->parser_.get().result_int();
      if (self->max_body_ > 0) r.body = std::move(self->parser_.get().body());
      self->finish(std::move(r));
    };
    if (max_body_ == 0) {
      bhttp::async_read_header(stream, buffer_, parser_, std::move(done));
    } else {
      bhttp::async_read(stream, buffer_, parser_, std::move(done));
    }
  }

  // A body beyond max_body is too large; a head or framing that did not parse is malformed; a
  // connection closed or reset before the end, a reset.
  static std::string_view read_failure(error_code ec) {
    if (ec == bhttp::error::body_limit) return "too_large";
    return is_malformed_message(ec) ? "malformed" : "reset";
  }

  void fail(const char* step, error_code ec, std::string_view reason) {
    ProbeResult r;
    r.error = std::string(step) + ": " + ec.message();
    r.reason = reason;
    finish(std::move(r));
  }

  void finish(ProbeResult r) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    resolver_.cancel();
    error_code ignored;
    socket_.close(ignored);
    auto done = std::move(done_);
    done(std::move(r));
  }

  tcp::resolver resolver_;
  tcp::socket socket_;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  bhttp::response_parser<bhttp::string_body> parser_;
  std::string request_;
  std::shared_ptr<const tls::ClientContext> tls_;
  std::unique_ptr<tls::ClientStream> stream_;  // over socket_, when tls_ is set
  std::size_t max_body_;
  ProbeHandler done_;
  bool finished_ = false;
};

}  // namespace

void async_probe(net::io_context& ctx, std::vector<tcp::endpoint> to, ProbeRequest request,
                 std::chrono::milliseconds timeout, ProbeHandler done) {
  auto exchange = std::make_shared<ProbeExchange>(ctx, request, timeout, std::move(done));
  exchange->arm();
  exchange->connect(to);
}

void async_probe(net::io_context& ctx, const std::string& host, std::uint16_t port,
                 ProbeRequest request, std::chrono::milliseconds timeout, ProbeHandler done) {
  auto exchange = std::make_shared<ProbeExchange>(ctx, request, timeout, std::move(done));
  exchange->arm();
  exchange->resolve(host, port);
}

}  // namespace conv::http
