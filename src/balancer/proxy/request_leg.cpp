#include "conv/balancer/proxy/request_leg.hpp"

#include <boost/asio/write.hpp>

#include "conv/balancer/proxy/exchange.hpp"
#include "conv/http/body_error.hpp"

namespace conv::balancer {

namespace net = boost::asio;
using boost::system::error_code;

void RequestLeg::begin() {
  framing_ = request_framing(x_.request_, length_);
  if (framing_ == Framing::none) {
    x_.attempt();
    return;
  }
  // Read the first piece of the body before any upstream hears of the request, so that a
  // body that is malformed from its start (a bad chunk size) is refused here with nothing
  // forwarded. A body that breaks later is cut off mid-stream: the upstream never sees a
  // complete message, so nothing can be smuggled through it.
  x_.relay_.reserve(framing_, length_);
  x_.responder_.read_body(x_.relay_.space(), x_.bind([](Exchange& x, error_code ec, std::size_t n) {
    if (ec) {
      x.request_leg_.on_body(ec, 0);  // refused
      return;
    }
    x.request_leg_.prefetched_ = n;
    x.attempt();
  }));
}

void RequestLeg::send() {
  x_.stage_ = Stage::sending_head;
  // The same head for every attempt, but for a trace's span ID: each attempt is a new span.
  if (head_.empty() || x_.trace_) {
    const bool trusted = x_.ctx_.trusted.contains(x_.info_.remote.address());
    const std::optional<TraceParent> span =
        x_.trace_ ? std::optional(x_.trace_->child()) : std::nullopt;
    head_ =
        upstream_request_head(x_.request_,
                              {x_.info_.remote_address, x_.responder_.secure() ? "https" : "http",
                               "1.1 conv", trusted, x_.request_id_, span ? &*span : nullptr},
                              framing_, length_, x_.upgrade_);
  }
  x_.arm(x_.ctx_.settings.response_timeout());
  // The handler is made where it is passed (a named one moved in costs one more move of it,
  // its executor included, per operation).
  x_.attempt_.connection().io([this](auto& stream) {
    net::async_write(
        stream, net::buffer(head_),
        x_.bind([](Exchange& x, error_code ec, std::size_t) { x.request_leg_.on_head_sent(ec); }));
  });
}

void RequestLeg::on_head_sent(error_code ec) {
  if (x_.disarm() || ec) {
    // A pooled connection the upstream had closed says nothing about its health.
    x_.upstream_failed(x_.timed_out_ ? AttemptError::timeout : AttemptError::io,
                       "sending the request failed", !x_.attempt_.reused() || x_.timed_out_);
    return;
  }
  if (framing_ == Framing::none) {
    x_.response_leg_.read_head();
    return;
  }
  x_.stage_ = Stage::sending_body;
  on_body({}, prefetched_);  // the piece read before connecting goes first
}

void RequestLeg::read_body() {
  x_.responder_.read_body(x_.relay_.space(), x_.bind([](Exchange& x, error_code ec, std::size_t n) {
    x.request_leg_.on_body(ec, n);
  }));
}

void RequestLeg::on_body(error_code ec, std::size_t n) {
  if (ec) {
    // The client's body failed (too large, malformed, too slow): 413, 400, 431 or 408.
    x_.end(Outcome::answered(http::body_error_response(ec)));
    return;
  }
  x_.attempt_.sent(n);
  if (n == 0 && framing_ != Framing::chunked) {
    x_.response_leg_.read_head();
    return;
  }
  // The end of a chunked body is its last chunk, which goes out too.
  x_.arm(x_.ctx_.settings.response_timeout());
  const auto pieces = x_.relay_.frame(framing_, n, n == 0);
  x_.attempt_.connection().io([this, n, pieces](auto& stream) {
    net::async_write(stream, pieces, x_.bind([n](Exchange& x, error_code wec, std::size_t) {
      if (x.disarm() || wec) {
        x.upstream_failed(x.timed_out_ ? AttemptError::timeout : AttemptError::io,
                          "sending the request body failed");
      } else if (n == 0) {
        x.response_leg_.read_head();
      } else {
        x.request_leg_.read_body();
      }
    }));
  });
}

}  // namespace conv::balancer
