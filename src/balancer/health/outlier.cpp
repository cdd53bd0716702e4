#include "conv/balancer/health/outlier.hpp"

#include <cstdio>

namespace conv::balancer {

void note_upstream_response(ProxyContext& ctx, Upstream& u, unsigned status,
                            std::chrono::steady_clock::time_point start) {
  const auto now = std::chrono::steady_clock::now();
  ctx.pools.local().counters(u.index()).response(
      status, std::chrono::duration<double>(now - start).count());
  if (u.report_status(status, now, ctx.settings.outlier_5xx(), ctx.settings.ejection())) {
    std::fprintf(stderr,
                 "conv balancer: upstream %s ejected for %lld ms after %u consecutive 5xx\n",
                 u.name().c_str(), static_cast<long long>(ctx.settings.ejection().count()),
                 ctx.settings.outlier_5xx());
    ctx.selector.refresh(now);
  }
}

}  // namespace conv::balancer
