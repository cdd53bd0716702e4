// What the balancer must do with the first answer an upstream sends on a connection, computed
// apart from the proxy: Beast's parser on the whole answer at once, interim (1xx) heads
// skipped as the proxy does (at most 8 heads), then the same check of the final head
// (src/balancer/forward.cpp). The upstream half-closes after its answer, so a head cut off is
// a head that never completes.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <optional>
#include <string_view>

#include "conv/balancer/forward.hpp"

namespace conv::fuzz {

// The status of the final response the balancer must relay, or nothing: it must refuse the
// answer (a 502 of its own, and none of the answer's bytes to the client).
inline std::optional<unsigned> reply_verdict(std::string_view reply) {
  namespace bhttp = boost::beast::http;
  std::size_t pos = 0;
  for (int heads = 0; heads < 8; ++heads) {  // the proxy's kMaxResponseHeads
    bhttp::response_parser<bhttp::empty_body> p;
    p.header_limit(64 * 1024);  // the proxy's kUpstreamHeaderLimit
    p.eager(false);
    while (!p.is_header_done()) {
      boost::system::error_code ec;
      const std::size_t n = p.put(boost::asio::buffer(reply.data() + pos, reply.size() - pos), ec);
      pos += n;
      if (ec || n == 0) return std::nullopt;  // malformed, or cut off by the upstream's EOF
    }
    const unsigned status = p.get().result_int();
    if (status == 101) return std::nullopt;  // switching protocols: not supported
    if (status >= 100 && status < 200) continue;
    if (balancer::check_upstream_response(p.get().base())) return std::nullopt;
    return status;
  }
  return std::nullopt;  // too many interim heads
}

}  // namespace conv::fuzz
