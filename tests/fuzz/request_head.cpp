// The balancer's request path without sockets: Beast's parser, the smuggling validator both
// roles use (src/http/request_validator.cpp), then the balancer's framing decision and header
// rewriting (src/balancer/proxy/forward.cpp). Properties of what is forwarded: it parses again as
// one HTTP/1.1 request head, passes the same validator, has exactly the framing header the
// balancer computed, carries no hop-by-hop header, and keeps method and target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "conv/balancer/proxy/forward.hpp"
#include "conv/http/request_validator.hpp"
#include "head_parse.hpp"

namespace bhttp = boost::beast::http;
using namespace conv::balancer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  conv::fuzz::ParsedHead<true> in;
  if (!conv::fuzz::parse_head(bytes, in)) return 0;
  const auto& req = in.parser.get().base();
  if (conv::http::validate_request(in.raw, req)) return 0;  // refused: nothing is forwarded

  std::uint64_t length = 0;
  const Framing framing = request_framing(req, length);
  const std::string head = upstream_request_head(req, {"192.0.2.7"}, framing, length);

  conv::fuzz::ParsedHead<true> out;
  if (!conv::fuzz::parse_head(head, out)) std::abort();
  if (out.raw.size() != head.size()) std::abort();
  const auto& fwd = out.parser.get().base();
  if (auto why = conv::http::validate_request(out.raw, fwd)) std::abort();
  if (fwd.version() != 11 || fwd.method_string() != req.method_string() ||
      fwd.target() != req.target()) {
    std::abort();
  }
  const auto lengths = fwd.count(bhttp::field::content_length);
  const auto chunked = fwd.count(bhttp::field::transfer_encoding);
  switch (framing) {
    case Framing::none:
      if (lengths + chunked != 0) std::abort();
      break;
    case Framing::length:
      if (lengths != 1 || chunked != 0 ||
          fwd[bhttp::field::content_length] != std::to_string(length)) {
        std::abort();
      }
      break;
    case Framing::chunked:
      if (lengths != 0 || chunked != 1) std::abort();
      break;
    case Framing::close:
      std::abort();  // never for requests
  }
  for (const auto& f : fwd) {
    if (f.name() == bhttp::field::content_length || f.name() == bhttp::field::transfer_encoding) {
      continue;
    }
    if (is_hop_by_hop(f.name()) || f.name() == bhttp::field::expect) std::abort();
  }
  if (fwd.count("X-Forwarded-For") != 1 || fwd.count("X-Forwarded-Proto") != 1 ||
      fwd.count(bhttp::field::via) != 1) {
    std::abort();
  }
  return 0;
}
