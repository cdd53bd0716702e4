#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace conv::balancer {

// One thread's counters for one upstream, for /metrics and /status. Written by that thread
// only (relaxed load + store, no locked instruction), summed when scraped.
struct UpstreamCounters {
  // Response-time histogram bounds (seconds), from an attempt's start to the response head.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  using Counter = std::atomic<std::uint64_t>;
  Counter attempts{0};
  Counter retries{0};                                  // attempts after the first of a request
  Counter connect_failures{0};                         // connect refused, failed or timed out
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
