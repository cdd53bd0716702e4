// What the balancer must do with the first answer an upstream sends on a connection, computed
// apart from the proxy: Beast's parser on the whole answer at once, interim (1xx) heads
// skipped as the proxy does (at most 8 heads), then the same check of the final head
// (src/balancer/proxy/forward.cpp). The upstream half-closes after its answer, so a head cut off is
// a head that never completes.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "conv/balancer/proxy/forward.hpp"

namespace conv::fuzz {

// The final response the balancer must relay: its status, and whether its body (as sent)
// is malformed. A malformed body is refused with a 502 of the balancer's own when the bad
// bytes come with the head (nothing has gone to the client yet), and cut off after the head
// when they come later: which one depends on how the bytes arrive, so both are allowed.
struct ReplyVerdict {
  unsigned status = 0;
  bool body_malformed = false;
};

// Whether the body of the response whose head starts `answer` fails to parse (a cut-off body
// is not malformed: the upstream's EOF ends it, and the client's connection is cut).
inline bool body_malformed(std::string_view answer) {
  namespace bhttp = boost::beast::http;
  bhttp::response_parser<bhttp::string_body> p;
  p.header_limit(32 * 1024);  // the proxy's kUpstreamHeaderLimit
  p.body_limit(boost::none);
  p.eager(true);
  boost::system::error_code ec;
  try {
    p.put(boost::asio::buffer(answer.data(), answer.size()), ec);
  } catch (const std::length_error&) {
    return true;  // a field Beast cannot hold: the proxy's 64 KiB buffer ends the answer first
  }
  return ec && ec != bhttp::error::need_more;
}

// The answer the balancer must relay, or nothing: it must refuse the answer (a 502 of its
// own, and none of the answer's bytes to the client). `head_request`: the answer has no body.
inline std::optional<ReplyVerdict> reply_verdict(std::string_view reply, bool head_request) {
  namespace bhttp = boost::beast::http;
  std::size_t pos = 0;
  for (int heads = 0; heads < 8; ++heads) {  // the proxy's kMaxResponseHeads
    const std::size_t start = pos;
    bhttp::response_parser<bhttp::empty_body> p;
    p.header_limit(32 * 1024);  // the proxy's kUpstreamHeaderLimit
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
    const bool bodiless = head_request || status == 204 || status == 304;
    return ReplyVerdict{status, !bodiless && body_malformed(reply.substr(start))};
  }
  return std::nullopt;  // too many interim heads
}

}  // namespace conv::fuzz
