// The upstream desync scenario (issue 11, section 1) as data: clients, one request each, and
// how the upstream answers each request and what stray bytes it sends after the answer.
// Decoded from bytes (a fuzz input, or random bytes from a seeded generator), so that every
// scenario replays exactly; bytes past the end read as 0.
//
// Per client, 8 bytes, then the stray's own bytes if it takes them from the input:
//   0 method: GET HEAD POST DELETE OPTIONS
//   1 answer: 200 / 200 chunked / 204 / 304 / 404 / 500 / 100 Continue + 200 /
//     200 delimited by the upstream closing
//   2 flags: 1 = a 204 or 304 declares a Content-Length (a HEAD answer always declares one),
//     2 = the upstream closes after the answer, 4 = the client sends "Connection: close"
//   3 body length (0-255)
//   4 stray: none / a complete response of another request (its X-Id: see byte 7) /
//     bytes from the input / half a response head / "100 Continue" / a second answer to this
//     very request
//   5 stray timing: in the answer's write / in a write of its own right after / after
//     1-3 ms (bits 2-3) / in the gap before the next client
//   6 length of a stray taken from the input (0-255)
//   7 whose response a complete stray is: "poison" / this request's / the previous one's
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace conv::fuzz {

struct DesyncClient {
  enum Method { get, head, post, delete_, options };
  enum Answer { ok, ok_chunked, no_content, not_modified, not_found, error, interim, ok_close };
  enum Stray { none, other_response, input_bytes, half_head, interim_stray, second_answer };
  enum Timing { same_write, next_write, delayed, in_gap };
  Method method = get;
  Answer answer = ok;
  bool declare_length = false;
  bool upstream_closes = false;
  bool client_closes = false;
  std::size_t body_length = 0;
  Stray stray = none;
  Timing timing = same_write;
  unsigned delay_ms = 1;
  std::string stray_bytes;   // for input_bytes
  unsigned stray_owner = 0;  // 0: poison, 1: this request, 2: the previous one
};

namespace desync_detail {
struct Reader {
  std::span<const std::uint8_t> in;
  std::size_t at = 0;
  unsigned byte() { return at < in.size() ? in[at++] : 0u; }
};
}  // namespace desync_detail

// At most 8 clients, so that a scenario stays fast.
inline std::vector<DesyncClient> decode_desync(std::span<const std::uint8_t> bytes) {
  desync_detail::Reader r{bytes};
  std::vector<DesyncClient> clients(1 + r.byte() % 8);
  for (auto& c : clients) {
    c.method = static_cast<DesyncClient::Method>(r.byte() % 5);
    c.answer = static_cast<DesyncClient::Answer>(r.byte() % 8);
    const unsigned flags = r.byte();
    c.declare_length = flags & 1;
    c.upstream_closes = flags & 2;
    c.client_closes = flags & 4;
    c.body_length = r.byte();
    c.stray = static_cast<DesyncClient::Stray>(r.byte() % 6);
    const unsigned timing = r.byte();
    c.timing = static_cast<DesyncClient::Timing>(timing % 4);
    c.delay_ms = 1 + (timing >> 2) % 3;
    const unsigned length = r.byte();
    c.stray_owner = r.byte() % 3;
    if (c.stray == DesyncClient::input_bytes) {
      for (unsigned i = 0; i < length; ++i) c.stray_bytes += static_cast<char>(r.byte());
    }
  }
  return clients;
}

}  // namespace conv::fuzz
