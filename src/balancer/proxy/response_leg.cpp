#include "conv/balancer/proxy/response_leg.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "conv/balancer/proxy/exchange.hpp"
#include "conv/http/body_error.hpp"

namespace conv::balancer {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::uint32_t kUpstreamHeaderLimit = 32 * 1024;
static_assert(kUpstreamHeaderLimit < UpstreamConnection::kMaxBuffered,
              "a head at the limit, and the start of its body, fit in the upstream buffer");
constexpr unsigned kMaxResponseHeads = 8;  // interim 1xx ones, then the final one

}  // namespace

void ResponseLeg::read_head() {
  x_.stage_ = Stage::reading_head;
  if (++heads_ > kMaxResponseHeads) {
    x_.upstream_failed(AttemptError::bad_response,
                       "the upstream sent too many interim (1xx) responses");
    return;
  }
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(std::pmr::polymorphic_allocator<char>(&arena_)));
  parser_->header_limit(kUpstreamHeaderLimit);
  parser_->body_limit(boost::none);
  if (x_.request_.method() == bhttp::verb::head) parser_->skip(true);
  x_.arm(x_.ctx_.settings.response_timeout());
  auto& conn = x_.attempt_.connection();
  conn.io([this, &conn](auto& stream) {
    bhttp::async_read_header(
        stream, conn.buffer, *parser_,
        x_.bind([](Exchange& x, error_code ec, std::size_t) { x.response_leg_.on_head(ec); }));
  });
}

void ResponseLeg::on_head(error_code ec) {
  if (x_.disarm()) {
    x_.upstream_failed(AttemptError::timeout, "the upstream did not answer in time");
    return;
  }
  if (ec) {
    const bool nothing = !parser_->got_some();
    x_.upstream_failed(nothing ? AttemptError::closed_silently : AttemptError::bad_response,
                       nothing ? "the upstream closed the connection without answering"
                               : "the upstream sent a malformed response: " + ec.message(),
                       !(nothing && x_.attempt_.reused()));
    return;
  }
  const unsigned status = parser_->get().result_int();
  if (status == 101) {
    if (x_.upgrade_ && switches_protocols(parser_->get().base())) {
      switch_protocols();
    } else {
      x_.upstream_failed(AttemptError::bad_response,
                         x_.upgrade_ ? "the upstream switched protocols without an Upgrade"
                                     : "the upstream switched protocols unasked");
    }
  } else if (status >= 100 && status < 200) {
    read_head();  // an interim response: the real one follows
  } else if (auto problem = check_upstream_response(parser_->get().base())) {
    x_.upstream_failed(AttemptError::bad_response,
                       "the upstream sent an unusable response: " + *problem);
  } else {
    x_.status_ = status;
    x_.attempt_.record(status);
    x_.attempt_.answered(status);
    write_head();
  }
}

// A 101 to an upgrade: the head goes to the client, then the connections are a tunnel.
void ResponseLeg::switch_protocols() {
  x_.status_ = 101;
  x_.attempt_.record(101);
  x_.attempt_.answered(101);
  out_ = switching_protocols_head(parser_->get().base(), "1.1 conv",
                                  x_.responder_.connection_headers(), x_.request_id_);
  x_.stage_ = Stage::writing_head;
  x_.responder_.write(net::buffer(out_), x_.bind([](Exchange& x, error_code ec) {
    if (ec) {
      x.end(Outcome::client_gone());
      return;
    }
    x.stage_ = Stage::tunnelling;
    x.tunnel_.start();
  }));
}

void ResponseLeg::write_head() {
  const auto& res = parser_->get().base();
  const auto declared = parser_->content_length();
  plan_ = plan_response(res, declared ? std::optional(*declared) : std::nullopt, x_.request_,
                        x_.responder_.client_keep_alive());
  out_ = client_response_head(res, x_.request_.version(), plan_.framing, plan_.length,
                              plan_.keep_alive, "1.1 conv", x_.responder_.connection_headers(),
                              x_.request_id_);
  // Whatever of the body came with the head goes out with it, in one write: most answers
  // are small enough to arrive whole in the upstream's first segment. A body malformed
  // from its start is refused like a malformed head: nothing has gone to the client yet.
  if (plan_.relay_body && !parser_->is_done()) {
    x_.relay_.reserve(plan_.framing, plan_.length);
    error_code ec;
    const std::size_t got = take_buffered_body(ec);
    if (ec) {
      x_.upstream_failed(AttemptError::bad_response,
                         "the upstream sent a malformed response body: " + ec.message());
      return;
    }
    append_piece(got);
  }
  x_.stage_ = Stage::writing_head;
  write_client(net::buffer(out_));
}

// Parses response body bytes already read from the upstream into the relay; returns how many.
std::size_t ResponseLeg::take_buffered_body(error_code& ec) {
  auto& body = parser_->get().body();
  auto& buffered = x_.attempt_.connection().buffer;
  body.data = x_.relay_.data();
  body.size = x_.relay_.size();
  while (buffered.size() > 0 && !parser_->is_done() && body.size > 0) {
    const std::size_t used = parser_->put(buffered.data(), ec);
    buffered.consume(used);
    if (ec == bhttp::error::need_buffer || ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  const std::size_t got = x_.relay_.size() - body.size;
  body.data = nullptr;
  body.size = 0;
  return got;
}

// Appends `got` bytes of the relay to out_, framed for the client, and the last chunk if the
// upstream's message is complete.
void ResponseLeg::append_piece(std::size_t got) {
  x_.body_bytes_ += got;
  const bool last = parser_->is_done();
  BodyRelay::append(out_, x_.relay_.frame(plan_.framing, got, last));
  if (last && plan_.framing == Framing::chunked) plan_.last_chunk_sent = true;
}

// A piece that needs no framing goes to the client from the relay itself, not copied into
// out_ first: the relay stays as it is until the write completes (the next read waits for it).
void ResponseLeg::write_piece(std::size_t got) {
  if (plan_.framing == Framing::chunked) {
    out_.clear();
    append_piece(got);
    write_client(net::buffer(out_));
    return;
  }
  x_.body_bytes_ += got;
  write_client(net::buffer(x_.relay_.data(), got));
}

void ResponseLeg::write_client(net::const_buffer data) {
  x_.responder_.write(data, x_.bind([](Exchange& x, error_code ec) {
    if (ec) {
      x.end(Outcome::client_gone());
      return;
    }
    x.response_leg_.relay_body();
  }));
}

void ResponseLeg::relay_body() {
  x_.stage_ = Stage::relaying_body;
  if (!plan_.relay_body || parser_->is_done()) {
    finish();
    return;
  }
  if (!x_.relay_.reserved()) x_.relay_.reserve(plan_.framing, plan_.length);
  auto& body = parser_->get().body();
  body.data = x_.relay_.data();
  body.size = x_.relay_.size();
  x_.arm(x_.ctx_.settings.response_timeout());
  auto& conn = x_.attempt_.connection();
  conn.size_for_body(x_.relay_.size());
  conn.io([this, &conn](auto& stream) {
    bhttp::async_read_some(
        stream, conn.buffer, *parser_,
        x_.bind([](Exchange& x, error_code ec, std::size_t) { x.response_leg_.on_body(ec); }));
  });
}

void ResponseLeg::on_body(error_code ec) {
  const bool timed_out = x_.disarm();
  const std::size_t got = x_.relay_.size() - parser_->get().body().size;
  if (ec == bhttp::error::need_buffer) ec = {};
  if (timed_out || ec) {
    // Too late for an error response: cut the client connection so that it sees the
    // response is incomplete. A parse error is a malformed body; a cut one, a reset.
    const bool malformed = http::is_malformed_message(ec);
    x_.attempt_.report_failure(x_.blame(timed_out   ? AttemptError::timeout
                                        : malformed ? AttemptError::bad_response
                                                    : AttemptError::io));
    x_.end(Outcome::client_gone());
    return;
  }
  if (got == 0) {
    relay_body();
    return;
  }
  write_piece(got);
}

void ResponseLeg::finish() {
  x_.attempt_.upstream()->report_success();
  // The connection can serve another request if the upstream keeps it open and both
  // messages were read and written to their ends.
  // (Not after an upgrade the upstream refused: it may still expect the other protocol.)
  x_.attempt_.finish(!x_.upgrade_ && plan_.end_certain && parser_->keep_alive() &&
                     parser_->is_done());
  if (plan_.framing == Framing::chunked && plan_.relay_body && !plan_.last_chunk_sent) {
    out_.clear();
    BodyRelay::append(out_, x_.relay_.frame(Framing::chunked, 0, true));
    x_.responder_.write(net::buffer(out_), x_.bind([](Exchange& x, error_code ec) {
      x.end(Outcome::finished(!ec && x.response_leg_.plan_.keep_alive));
    }));
    return;
  }
  x_.end(Outcome::finished(plan_.keep_alive));
}

}  // namespace conv::balancer
