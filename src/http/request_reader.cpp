#include "conv/http/request_reader.hpp"

#include <boost/beast/http/error.hpp>
#include <stdexcept>

#include "conv/http/body_error.hpp"
#include "conv/http/chunk_limits.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/request_validator.hpp"

namespace conv::http::detail {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

std::string_view as_view(net::const_buffer b) {
  return {static_cast<const char*>(b.data()), b.size()};
}

}  // namespace

void RequestReader::reset() {
  parser_.reset();
  starved_at_ = kNotStarved;
  header_offset_ = 0;
}

std::size_t RequestReader::take(char* data, std::size_t size) {
  const std::size_t n = net::buffer_copy(net::buffer(data, size), buffer_.data());
  buffer_.consume(n);
  return n;
}

net::mutable_buffer RequestReader::prepare() {
  return buffer_.prepare(kReadChunk);
}

// RFC 9112 2.2: a server SHOULD ignore empty lines before a request line (some clients send
// an extra CRLF after a body). Between requests only; the keep-alive deadline still runs, so
// a peer sending nothing but line ends is closed when it expires.
void RequestReader::skip_empty_lines() {
  const auto data = buffer_.data();
  const auto* p = static_cast<const char*>(data.data());
  std::size_t n = 0;
  while (n < data.size() && (p[n] == '\r' || p[n] == '\n')) ++n;
  buffer_.consume(n);
}

RequestReader::HeaderStatus RequestReader::parse_header(std::optional<Response>& failure) {
  if (buffer_.size() == header_offset_) return HeaderStatus::need_more;
  if (!parser_) {
    parser_ = std::make_unique<Parser>();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
  }
  error_code ec;
  // The header stays in the buffer until it is complete (Beast may take the request line
  // first), so that the validator sees the raw block as received.
  const auto data = buffer_.data();
  header_offset_ += put(net::buffer(static_cast<const char*>(data.data()) + header_offset_,
                                    data.size() - header_offset_),
                        ec, bhttp::error::header_limit);
  // The limit is on the whole block, request line to blank line, exactly: Beast's own
  // check lets about twice through when the block arrives in one or two reads.
  const std::size_t limit = options_.max_header_bytes;
  if (ec == bhttp::error::need_more && buffer_.size() < limit) return HeaderStatus::need_more;
  if (ec == bhttp::error::need_more || ec == bhttp::error::header_limit ||
      (!ec && header_offset_ > limit)) {
    failure = error_response(431, "header_too_large", "request header block exceeds the limit");
    return HeaderStatus::failed;
  }
  if (ec == bhttp::error::body_limit) {  // a declared length over the limit
    failure = body_error_response(ec);
    return HeaderStatus::failed;
  }
  if (ec) {
    failure = error_response(400, "bad_request", "malformed request header: " + ec.message());
    return HeaderStatus::failed;
  }
  return finish_header(failure);
}

RequestReader::HeaderStatus RequestReader::finish_header(std::optional<Response>& failure) {
  const std::string_view raw(static_cast<const char*>(buffer_.data().data()), header_offset_);
  auto problem = validate_request(raw, request());
  header_bytes_ = raw.size();
  body_start_ = Clock::now();
  body_received_ = 0;
  buffer_.consume(header_offset_);
  header_offset_ = 0;
  // From here on, parse as much body as each buffer allows; chunk by chunk if chunked.
  if (parser_->chunked()) {
    chunk_ = {};
    parser_->on_chunk_header(chunk_);
  }
  parser_->eager(!parser_->chunked());
  if (!problem) return HeaderStatus::complete;
  failure = error_response(400, "bad_request", *problem);
  return HeaderStatus::failed;
}

RequestReader::BodyStep RequestReader::append_body(std::string& body, error_code& ec) {
  const std::size_t old = body.size();
  const std::size_t buffered = buffer_.size();
  const std::size_t chunk = std::max<std::size_t>(buffered, 4096);
  body.resize(old + chunk);
  const std::size_t got = parse_body_into(body.data() + old, chunk, ec);
  body.resize(old + got);
  // A partial chunk header: the parser took nothing and needs more input.
  return {got, got == 0 && buffer_.size() == buffered && !parser_->is_done()};
}

std::size_t RequestReader::parse_body_into(char* data, std::size_t size, error_code& ec) {
  // Beast must not be handed input it asked more for without more (it asserts on a partial
  // final chunk fed twice): after need_more, only new bytes are worth a put. Found by
  // tests/fuzz/balancer_session: a chunked body with "Expect: 100-continue" was fed again
  // after the 100 Continue went out.
  if (buffer_.size() == starved_at_) return 0;
  auto& body = parser_->get().body();
  body.data = data;
  body.size = size;
  body.more = true;
  while (buffer_.size() > 0 && !parser_->is_done() && body.size > 0) {
    auto input = buffer_.data();
    // At a chunk boundary, offer no more than the limits allow (see chunk_limits.hpp). The
    // parser is not eager for chunked bodies: each put is one step, a line or some data.
    const bool at_chunk_line = parser_->chunked() && chunk_.left == 0;
    if (at_chunk_line) {
      input = net::buffer(input.data(), chunk_header_window(as_view(input), trailer_budget()));
    }
    const std::size_t room = body.size;
    const std::size_t used = put(input, ec, BodyError::trailers_too_large);
    buffer_.consume(used);
    if (!at_chunk_line) chunk_.left -= std::min<std::uint64_t>(chunk_.left, room - body.size);
    if (ec == bhttp::error::need_more) {
      ec = on_starved();
      break;
    }
    if (ec == bhttp::error::need_buffer) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  const std::size_t produced = size - body.size;
  body.data = nullptr;
  body.size = 0;
  body_received_ += produced;
  return produced;
}

// The parser needs more input than the buffer holds.
error_code RequestReader::on_starved() {
  starved_at_ = buffer_.size();  // the body phase consumes nothing else: grows only
  // What waits unparsed now is chunk metadata: bounded here, or it grows with the input.
  if (auto problem = check_chunk_metadata(as_view(buffer_.data()), trailer_budget())) {
    return *problem;
  }
  return {};
}

// Beast throws std::length_error for a field value of 65,534 bytes or more (it stores field
// sizes in 16 bits); the limits keep such fields out, and this turns one that got in anyway
// into `too_large` (431) instead of an exception that would stop the worker.
std::size_t RequestReader::put(net::const_buffer input, error_code& ec, error_code too_large) {
  try {
    return parser_->put(input, ec);
  } catch (const std::length_error&) {
    ec = too_large;
    return 0;
  }
}

std::size_t RequestReader::trailer_budget() const {
  const std::size_t limit = options_.max_header_bytes;
  // The blank line that ends the trailers is not a field: always allowed.
  return (limit > header_bytes_ ? limit - header_bytes_ : 0) + 2;
}

// The body must have arrived by body_timeout after the header; with a minimum rate, each
// byte received buys 1/rate s more, so that a long upload at a good rate is not cut off,
// and a trickle still is.
RequestReader::Clock::time_point RequestReader::body_deadline() const {
  auto deadline = body_start_ + options_.body_timeout;
  if (const auto rate = options_.min_body_rate; rate > 0) {
    deadline += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(body_received_) / rate));
  }
  return deadline;
}

}  // namespace conv::http::detail
