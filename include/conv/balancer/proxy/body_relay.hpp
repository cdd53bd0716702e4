#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conv/balancer/proxy/forward.hpp"

namespace conv::balancer {

// A message body on its way through the balancer, in either direction (the client's request
// body to the upstream, the upstream's response body to the client): the one buffer it goes
// through a piece at a time, and each piece framed for the side it is written to (as is for
// Content-Length and close-delimited bodies, re-chunked with Beast's chunk helpers for a
// chunked one).
class BodyRelay {
 public:
  static constexpr std::size_t kMaxPiece = 64 * 1024;
  // A framed piece: at most a chunk header (3 buffers), the data, its CRLF and the last
  // chunk (2).
  using Pieces = std::span<const boost::asio::const_buffer>;

  // Grows the buffer to fit a body of `length` if `framing` says it has one, else to a whole
  // piece. Small bodies get small buffers: most answers here are 80 bytes, and 64 KiB per
  // exchange would be most of the balancer's memory at 1000 connections.
  void reserve(Framing framing, std::uint64_t length);
  bool reserved() const { return !buffer_.empty(); }

  // Where the next piece is read to.
  char* data() { return buffer_.data(); }
  std::size_t size() const { return buffer_.size(); }
  boost::asio::mutable_buffer space() { return boost::asio::buffer(buffer_); }

  // The first `n` bytes of data(), framed for `framing`; `last`: the body ends with them (a
  // chunked one gets its last chunk). Valid until the next call.
  Pieces frame(Framing framing, std::size_t n, bool last);

  // Appends `pieces` to `out` (a response goes to the client in one contiguous write).
  static void append(std::string& out, Pieces pieces);

 private:
  std::vector<char> buffer_;  // sized on first use: at most kMaxPiece
  std::optional<boost::beast::http::chunk_header> chunk_header_;
  boost::beast::http::chunk_last<> last_chunk_;
  std::array<boost::asio::const_buffer, 8> pieces_{};
};

}  // namespace conv::balancer
