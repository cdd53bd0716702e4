#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace conv::balancer {

// Why an attempt failed in a way that counts against the upstream's passive health, for
// conv_upstream_failures_total{reason}.
enum class FailureReason : std::uint8_t {
  connect_refused,   // the connection failed: refused, unreachable, no address
  connect_timeout,   // connecting (TLS handshake included) took longer than timeouts.connect
  tls,               // the TLS handshake failed
  response_timeout,  // sending the request or reading the response timed out
  reset,             // the connection closed or was reset before the response was whole
  malformed,         // the response was malformed or unusable
};
inline constexpr std::size_t kFailureReasons = 6;
// The label value: the enumerator's name.
constexpr const char* to_string(FailureReason r) {
  constexpr std::array<const char*, kFailureReasons> names = {
      "connect_refused", "connect_timeout", "tls", "response_timeout", "reset", "malformed"};
  return names[static_cast<std::size_t>(r)];
}

// One thread's counters for one upstream, for /metrics and /status. Written by that thread
// only (relaxed load + store, no locked instruction), summed when scraped.
struct UpstreamCounters {
  // Response-time histogram bounds (seconds), from an attempt's start to the response head.
  // Up to 60 s: the response timeout is 30 s by default, and may be longer.
  static constexpr std::array<double, 16> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5,
                                                      5.0,    10.0,  30.0,   60.0};
  using Counter = std::atomic<std::uint64_t>;
  Counter attempts{0};
  Counter retries{0};                                  // attempts after the first of a request
  Counter connect_failures{0};                         // connect refused, failed or timed out
  std::array<Counter, kFailureReasons> failures{};     // by FailureReason
  std::array<Counter, 5> responses{};                  // by status class, 1xx..5xx
  std::array<Counter, kBuckets.size() + 1> buckets{};  // last: +Inf
  Counter time_micros{0};
  Counter bytes_out{0};  // response body bytes relayed to clients
  Counter bytes_in{0};   // request body bytes relayed upstream
  Counter pooled{0};     // idle connections in this thread's pool (a gauge)
  Counter discarded{0};  // idle connections closed because the upstream spoke or closed
  Counter idle_tls{0};   // TLS records with no data (session tickets) read while idle

  static void bump(Counter& c, std::uint64_t by = 1) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  // An upstream answered `status` after `seconds`. (Inline: once per proxied request.)
  void response(unsigned status, double seconds) {
    if (status >= 100 && status < 600) bump(responses[status / 100 - 1]);
    std::size_t b = 0;
    while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
    bump(buckets[b]);
    bump(time_micros, static_cast<std::uint64_t>(seconds * 1e6));
  }
};

}  // namespace conv::balancer
