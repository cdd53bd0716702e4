#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "conv/balancer/proxy/pool.hpp"

namespace conv::balancer {

// One upstream's counters summed over every thread.
struct UpstreamTotals {
  std::uint64_t attempts = 0;
  std::uint64_t retries = 0;
  std::uint64_t connect_failures = 0;
  std::array<std::uint64_t, kFailureReasons> failures{};  // by FailureReason
  std::array<std::uint64_t, 5> responses{};
  std::array<std::uint64_t, UpstreamCounters::kBuckets.size() + 1> buckets{};
  std::uint64_t time_micros = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t pooled = 0;
  std::uint64_t discarded = 0;
  std::uint64_t answered() const;  // responses of every class
};

// The totals of upstreams [0, n). Locks the pool registry: for scrapes, not requests.
std::vector<UpstreamTotals> sum_counters(const PoolSet& pools, std::size_t n);

}  // namespace conv::balancer
