#include "conv/balancer/admin/latency_quantile.hpp"

#include "conv/balancer/proxy/upstream_counters.hpp"

namespace conv::balancer {

std::optional<double> latency_quantile_ms(std::span<const std::uint64_t> buckets, double q) {
  const auto& bounds = UpstreamCounters::kBuckets;
  std::uint64_t total = 0;
  for (auto n : buckets) total += n;
  if (total == 0) return std::nullopt;
  const double rank = q * static_cast<double>(total);
  double below = 0;  // observations in the buckets before b
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const double in = static_cast<double>(buckets[b]);
    if (below + in >= rank && in > 0) {
      if (b >= bounds.size()) break;  // +Inf: the highest bound is all that is known
      const double lower = b == 0 ? 0 : bounds[b - 1];
      return (lower + (bounds[b] - lower) * (rank - below) / in) * 1000.0;
    }
    below += in;
  }
  return bounds.back() * 1000.0;
}

}  // namespace conv::balancer
