#include "conv/balancer/health/passive_health.hpp"

#include "conv/log/logger.hpp"

namespace conv::balancer {

void report_failed_attempt(Upstream& u, Selector& selector, Upstream::Clock::time_point now) {
  if (u.report_failure(now)) {
    log::warn() << "upstream " << u.name() << " taken out for " << u.fail_timeout().count()
                << " ms after " << u.max_fails() << " failure(s)";
  }
  selector.refresh(now);
}

void report_answer(Upstream& u, unsigned status, unsigned consecutive_5xx,
                   std::chrono::milliseconds ejection, Selector& selector,
                   Upstream::Clock::time_point now) {
  if (u.report_status(status, now, consecutive_5xx, ejection)) {
    log::warn() << "upstream " << u.name() << " ejected for " << ejection.count() << " ms after "
                << consecutive_5xx << " consecutive 5xx";
    selector.refresh(now);
  }
}

}  // namespace conv::balancer
