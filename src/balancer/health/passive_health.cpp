#include "conv/balancer/health/passive_health.hpp"

#include <cstdio>

namespace conv::balancer {

void report_failed_attempt(Upstream& u, Selector& selector, Upstream::Clock::time_point now) {
  if (u.report_failure(now)) {
    std::fprintf(stderr, "conv balancer: upstream %s taken out for %lld ms after %u failure(s)\n",
                 u.name().c_str(), static_cast<long long>(u.fail_timeout().count()), u.max_fails());
  }
  selector.refresh(now);
}

void report_answer(Upstream& u, unsigned status, unsigned consecutive_5xx,
                   std::chrono::milliseconds ejection, Selector& selector,
                   Upstream::Clock::time_point now) {
  if (u.report_status(status, now, consecutive_5xx, ejection)) {
    std::fprintf(stderr,
                 "conv balancer: upstream %s ejected for %lld ms after %u consecutive 5xx\n",
                 u.name().c_str(), static_cast<long long>(ejection.count()), consecutive_5xx);
    selector.refresh(now);
  }
}

}  // namespace conv::balancer
