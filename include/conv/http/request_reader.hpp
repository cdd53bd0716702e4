#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "conv/http/handler.hpp"
#include "conv/http/response.hpp"
#include "conv/http/server_options.hpp"

namespace conv::http::detail {

// The bytes a connection has received and the request being parsed from them, with every limit
// on what a peer may make the server hold: the header block exactly, chunk-size lines and
// trailers, the body. It does no I/O: a session reads into `prepare()`, commits, and asks for
// the next step, so the same reader serves any stream (plain TCP, TLS) and any protocol that
// frames HTTP/1.1 bytes.
class RequestReader {
 public:
  using Clock = std::chrono::steady_clock;
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

  enum class HeaderStatus {
    need_more,  // read more bytes, then call parse_header() again
    complete,   // the header is parsed and valid; the body (if any) follows
    failed,     // answer with the response given, and close
  };
  // One step of copying a buffered body: bytes produced, and whether the parser stalled on a
  // partial chunk line (it needs more input before it can go on).
  struct BodyStep {
    std::size_t got = 0;
    bool stalled = false;
  };

  explicit RequestReader(const ServerOptions& options) : options_(options) {}

  // Forgets the last request (not the bytes buffered after it: pipelined requests).
  void reset();
  boost::asio::mutable_buffer prepare();  // room for one read from the stream
  void commit(std::size_t n) { buffer_.commit(n); }
  void discard() { buffer_.clear(); }
  // Frees the read buffer if it holds nothing (an idle TLS connection; see BasicSession).
  void release() {
    if (buffer_.size() == 0) buffer_.shrink_to_fit();
  }
  std::size_t buffered() const { return buffer_.size(); }
  // Moves up to `size` buffered bytes to `data` as they are (past a request, on a connection
  // that switched protocols); returns how many.
  std::size_t take(char* data, std::size_t size);

  // Between requests: drops the empty lines a client may send before a request line.
  void skip_empty_lines();
  HeaderStatus parse_header(std::optional<Response>& failure);
  // Appends what the buffer holds of the body to `body` (buffered mode).
  BodyStep append_body(std::string& body, boost::system::error_code& ec);
  // Moves body bytes into [data, data + size); `ec` is set only for a real error.
  std::size_t parse_body_into(char* data, std::size_t size, boost::system::error_code& ec);
  Clock::time_point body_deadline() const;

  // Whether the current request's first bytes have been parsed (the parser exists).
  bool has_request() const { return parser_ != nullptr; }
  bool header_done() const { return parser_ && parser_->is_header_done(); }
  bool done() const { return parser_ && parser_->is_done(); }
  const Parser& parser() const { return *parser_; }
  const RequestHeader& request() const { return parser_->get().base(); }

 private:
  HeaderStatus finish_header(std::optional<Response>& failure);
  std::size_t put(boost::asio::const_buffer input, boost::system::error_code& ec,
                  boost::system::error_code too_large);
  std::size_t trailer_budget() const;
  boost::system::error_code on_starved();

  const ServerOptions& options_;
  boost::beast::flat_buffer buffer_;
  // Made for a request's first bytes and freed by reset(): a connection between requests
  // holds no parser (one allocation per request for about 300 bytes per idle connection).
  std::unique_ptr<Parser> parser_;
  // Data bytes of the current chunk still to come (0: at a chunk boundary), from the
  // parser's chunk-header callback and what each put produced.
  struct ChunkTracker {
    std::uint64_t left = 0;
    void operator()(std::uint64_t size, std::string_view, boost::system::error_code&) {
      left = size;
    }
  } chunk_;
  std::size_t header_offset_ = 0;    // header bytes the parser has taken, still in buffer_
  std::size_t header_bytes_ = 0;     // the current request's header block, for the trailers
  Clock::time_point body_start_;     // the end of the header: the body deadline counts from it
  std::uint64_t body_received_ = 0;  // body bytes received, for the minimum body rate
  // buffer_'s size when the body parser last asked for more input (kNotStarved: it has not).
  static constexpr std::size_t kNotStarved = static_cast<std::size_t>(-1);
  std::size_t starved_at_ = kNotStarved;
};

}  // namespace conv::http::detail
