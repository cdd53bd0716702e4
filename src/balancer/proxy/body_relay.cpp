#include "conv/balancer/proxy/body_relay.hpp"

#include <algorithm>

namespace conv::balancer {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

void BodyRelay::reserve(Framing framing, std::uint64_t length) {
  const std::uint64_t wanted = framing == Framing::length ? length : kMaxPiece;
  const auto n = static_cast<std::size_t>(std::clamp<std::uint64_t>(wanted, 1, kMaxPiece));
  if (buffer_.size() < n) buffer_.resize(n);
}

BodyRelay::Pieces BodyRelay::frame(Framing framing, std::size_t n, bool last) {
  const net::const_buffer data(buffer_.data(), n);
  if (framing != Framing::chunked) {
    pieces_[0] = data;
    return {pieces_.data(), 1};
  }
  // Beast's chunk helpers: a lowercase hexadecimal size line, the data, CRLF; "0\r\n\r\n"
  // for the last chunk (no trailers are forwarded).
  std::size_t i = 0;
  auto add = [&](const auto& sequence) {
    for (auto it = net::buffer_sequence_begin(sequence); it != net::buffer_sequence_end(sequence);
         ++it) {
      pieces_[i++] = *it;
    }
  };
  if (n > 0) {
    chunk_header_.emplace(n);
    add(*chunk_header_);
    add(data);
    add(bhttp::chunk_crlf{});
  }
  if (last) add(last_chunk_);
  return {pieces_.data(), i};
}

void BodyRelay::append(std::string& out, Pieces pieces) {
  for (const auto& b : pieces) {
    if (b.size() > 0) out.append(static_cast<const char*>(b.data()), b.size());
  }
}

}  // namespace conv::balancer
