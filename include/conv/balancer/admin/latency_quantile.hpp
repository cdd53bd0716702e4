#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace conv::balancer {

// The q-quantile (0 < q < 1), in milliseconds, of the response times counted in `buckets`
// (one count per bound of UpstreamCounters::kBuckets, then +Inf), interpolating linearly
// within the bucket it falls in, as Prometheus's histogram_quantile() does; in the +Inf
// bucket, the highest bound. Nothing if the buckets are empty.
std::optional<double> latency_quantile_ms(std::span<const std::uint64_t> buckets, double q);

}  // namespace conv::balancer
