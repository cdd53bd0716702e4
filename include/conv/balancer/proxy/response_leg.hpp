#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory_resource>
#include <optional>
#include <string>

#include "conv/balancer/proxy/response_plan.hpp"

namespace conv::balancer {

class Exchange;

// The response's way to the client: the upstream's head read (interim 1xx ones skipped) and
// checked, the client's head written with the start of the body, then the body through the
// exchange's BodyRelay, re-framed for the client, and the connection pooled if it is clean.
class ResponseLeg {
 public:
  explicit ResponseLeg(Exchange& x) : x_(x) {}

  void read_head();

 private:
  void on_head(boost::system::error_code ec);
  void switch_protocols();
  void write_head();
  std::size_t take_buffered_body(boost::system::error_code& ec);
  void append_piece(std::size_t got);
  void write_piece(std::size_t got);
  void write_client(boost::asio::const_buffer data);
  void relay_body();
  void on_body(boost::system::error_code ec);
  void finish();

  Exchange& x_;
  // The fields go into the exchange's arena, released with the exchange: a bounded number of
  // heads, each bounded by the header limit.
  alignas(std::max_align_t) std::array<std::byte, 1024> arena_buffer_;
  std::pmr::monotonic_buffer_resource arena_{arena_buffer_.data(), arena_buffer_.size()};
  unsigned heads_ = 0;  // response heads read, interim ones included
  std::optional<boost::beast::http::response_parser<boost::beast::http::buffer_body,
                                                    std::pmr::polymorphic_allocator<char>>>
      parser_;
  ResponsePlan plan_;
  std::string out_;  // what is being written to the client
};

}  // namespace conv::balancer
