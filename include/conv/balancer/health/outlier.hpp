#pragma once

#include <chrono>

#include "conv/balancer/proxy/proxy.hpp"

namespace conv::balancer {

// An upstream answered `status` to an attempt that started at `start`: counts it (this
// thread's counters) and applies outlier ejection (consecutive 5xx), logging an ejection.
void note_upstream_response(ProxyContext& ctx, Upstream& u, unsigned status,
                            std::chrono::steady_clock::time_point start);

}  // namespace conv::balancer
