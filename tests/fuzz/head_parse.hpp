// Shared by the head fuzzers: parse a message head the way the core does (Beast's parser,
// header only, the default 16 KiB limit) and hand back the raw block it consumed.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <optional>
#include <string_view>

namespace conv::fuzz {

template <bool IsRequest>
struct ParsedHead {
  boost::beast::http::parser<IsRequest, boost::beast::http::empty_body> parser;
  std::string_view raw;  // the header block as received, blank line included
};

// Feeds `bytes` until the header is complete. False if it is malformed or incomplete.
template <bool IsRequest>
bool parse_head(std::string_view bytes, ParsedHead<IsRequest>& out) {
  out.parser.header_limit(16 * 1024);
  out.parser.eager(false);
  std::size_t used = 0;
  while (!out.parser.is_header_done()) {
    boost::system::error_code ec;
    const auto n =
        out.parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec) return false;
    if (n == 0) return false;  // needs more than there is
    used += n;
  }
  out.raw = bytes.substr(0, used);
  return true;
}

}  // namespace conv::fuzz
