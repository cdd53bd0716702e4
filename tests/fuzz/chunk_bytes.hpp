// Chunked transfer coding as the fuzzers' scripted upstreams write it: one place for the
// chunk-size digits and the chunk framing that both upstreams produce.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace conv::fuzz {

// `n` in lowercase hex without leading zeros, as a chunk-size line writes it.
inline std::string hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[n % 16]);
    n /= 16;
  } while (n > 0);
  return s;
}

// One chunk: its size line, its data, its CRLF.
inline std::string chunk(std::string_view data) {
  return hex(data.size()) + "\r\n" + std::string(data) + "\r\n";
}

}  // namespace conv::fuzz
