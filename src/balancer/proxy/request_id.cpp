#include "conv/balancer/proxy/request_id.hpp"

#include <algorithm>
#include <random>

namespace conv::balancer {

namespace {

constexpr std::size_t kMaxRequestId = 128;
constexpr char kHex[] = "0123456789abcdef";
// Each byte's two hex digits: 8 lookups per 64-bit draw rather than 16.
constexpr auto kHexPairs = [] {
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = kHex[b >> 4];
    t[2 * b + 1] = kHex[b & 0xf];
  }
  return t;
}();

std::mt19937_64& generator() {
  thread_local std::mt19937_64 g = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return g;
}

// `n` (a multiple of 16) random lowercase hex digits into `out`, 16 from each 64-bit draw;
// never all zero (an invalid trace or span ID). Made for every proxied request: no per-digit
// test.
void random_hex(char* out, std::size_t n) {
  auto& g = generator();
  for (;;) {
    std::uint64_t any = 0;
    for (std::size_t i = 0; i < n; i += 16) {
      std::uint64_t bits = g();
      any |= bits;
      for (std::size_t j = 0; j < 16; j += 2, bits >>= 8) {
        std::copy_n(&kHexPairs[2 * (bits & 0xff)], 2, out + i + j);
      }
    }
    if (any != 0) return;
  }
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-_.:+/=").find(c) != std::string_view::npos;
}

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

}  // namespace

bool valid_request_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestId && std::all_of(id.begin(), id.end(), id_char);
}

std::string make_request_id() {
  char hex[32];
  random_hex(hex, sizeof hex);
  hex[12] = '4';                        // version 4
  hex[16] = kHex[8 + (hex[16] & 0x3)];  // variant 10xx
  std::string id(36, '-');
  char* out = id.data();
  std::copy_n(hex, 8, out);
  std::copy_n(hex + 8, 4, out + 9);
  std::copy_n(hex + 12, 4, out + 14);
  std::copy_n(hex + 16, 4, out + 19);
  std::copy_n(hex + 20, 12, out + 24);
  return id;
}

TraceParent TraceParent::child() const {
  TraceParent t = *this;
  random_hex(t.parent_id.data(), t.parent_id.size());
  return t;
}

std::string TraceParent::text() const {
  std::string s = "00-";
  s.append(trace_id.data(), trace_id.size()).append(1, '-');
  s.append(parent_id.data(), parent_id.size()).append(1, '-');
  s.append(flags.data(), flags.size());
  return s;
}

std::optional<TraceParent> parse_traceparent(std::string_view text) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55.
  if (text.size() < 55 || text[2] != '-' || text[35] != '-' || text[52] != '-') return {};
  const auto version = text.substr(0, 2);
  const auto trace = text.substr(3, 32);
  const auto parent = text.substr(36, 16);
  const auto flags = text.substr(53, 2);
  if (!lower_hex(version) || version == "ff" || !lower_hex(trace) || !lower_hex(parent) ||
      !lower_hex(flags) || all_zero(trace) || all_zero(parent)) {
    return {};
  }
  if (text.size() > 55 && (version == "00" || text[55] != '-')) return {};
  TraceParent t;
  std::copy(trace.begin(), trace.end(), t.trace_id.begin());
  std::copy(parent.begin(), parent.end(), t.parent_id.begin());
  std::copy(flags.begin(), flags.end(), t.flags.begin());
  return t;
}

}  // namespace conv::balancer
