#pragma once

#include <chrono>

#include "conv/balancer/model/upstream.hpp"
#include "conv/balancer/select/selector.hpp"

namespace conv::balancer {

// Passive health: what real traffic says of an upstream, applied to it. A change of state is
// logged; the selector is refreshed so that the next pick sees it. Called by the exchange's
// attempts, on their worker thread.

// An attempt failed for a reason the upstream is to blame for (connect error, timeout, reset,
// malformed response): max_fails in a row take it out for fail_timeout. Always refreshes.
void report_failed_attempt(Upstream& u, Selector& selector, Upstream::Clock::time_point now);

// The upstream answered `status`: `consecutive_5xx` 5xx answers in a row (0: off) eject it
// for `ejection` (outlier ejection). Refreshes only when it ejected it.
void report_answer(Upstream& u, unsigned status, unsigned consecutive_5xx,
                   std::chrono::milliseconds ejection, Selector& selector,
                   Upstream::Clock::time_point now);

}  // namespace conv::balancer
