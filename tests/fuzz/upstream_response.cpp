// What the balancer does with an upstream's response head (src/balancer/proxy/forward.cpp): the
// check that refuses ambiguous framing (502 instead), then the head relayed to the client.
// Properties of what is relayed, for every client version and connection choice: it parses
// again as one response head with the same status, exactly the framing header computed,
// no hop-by-hop header, and the Connection header the client needs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "conv/balancer/proxy/forward.hpp"
#include "head_parse.hpp"

namespace bhttp = boost::beast::http;
using namespace conv::balancer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  conv::fuzz::ParsedHead<false> in;
  if (!conv::fuzz::parse_head(bytes, in)) return 0;
  const auto& res = in.parser.get().base();
  if (check_upstream_response(res)) return 0;  // refused: 502

  for (unsigned version : {10u, 11u}) {
    for (Framing framing : {Framing::none, Framing::length, Framing::chunked, Framing::close}) {
      if (framing == Framing::chunked && version == 10) continue;
      for (bool keep_alive : {false, true}) {
        const std::string head =
            client_response_head(res, version, framing, 1234, keep_alive, "1.1 conv");
        conv::fuzz::ParsedHead<false> out;
        if (!conv::fuzz::parse_head(head, out)) std::abort();
        if (out.raw.size() != head.size()) std::abort();
        const auto& rel = out.parser.get().base();
        if (rel.result_int() != res.result_int() || rel.version() != version) std::abort();
        const auto lengths = rel.count(bhttp::field::content_length);
        const auto chunked = rel.count(bhttp::field::transfer_encoding);
        if (lengths != (framing == Framing::length ? 1u : 0u)) std::abort();
        if (chunked != (framing == Framing::chunked ? 1u : 0u)) std::abort();
        const auto conns = rel.count(bhttp::field::connection);
        if (conns > 1) std::abort();
        const bool says_close = conns == 1 && rel[bhttp::field::connection] == "close";
        const bool says_keep = conns == 1 && rel[bhttp::field::connection] == "keep-alive";
        if (version == 11 && says_close == keep_alive) std::abort();
        if (version == 10 && says_keep != keep_alive) std::abort();
        for (const auto& f : rel) {
          switch (f.name()) {
            case bhttp::field::content_length:
            case bhttp::field::transfer_encoding:
            case bhttp::field::connection:
              break;
            default:
              if (is_hop_by_hop(f.name())) std::abort();
          }
        }
      }
    }
  }
  return 0;
}
