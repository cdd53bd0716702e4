#include <cstdint>

#include "conv/balancer/select/policy.hpp"

namespace conv::balancer {

namespace {

// Fewest requests in flight relative to weight; ties rotate (the scan starts at the next
// member each pick).
class LeastConn final : public Policy {
 public:
  Upstream* pick(const PickContext& c) const override {
    const auto& members = c.round.members;
    const std::size_t m = members.size();
    const std::uint64_t start = c.next.fetch_add(1, std::memory_order_relaxed);
    Upstream* best = nullptr;
    std::int64_t best_in = 0;
    unsigned best_w = 1;
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t i = members[(start + k) % m];
      Upstream& u = c.table[i];
      if (!u.available(c.now) || c.excluded(i)) continue;
      const std::int64_t in = u.in_flight();
      const unsigned cap = u.max_conns();
      if (cap != 0 && in >= static_cast<std::int64_t>(cap)) continue;
      if (!best || less_loaded(in, c.round.weights[i], best_in, best_w)) {
        best = &u;
        best_in = in;
        best_w = c.round.weights[i];
      }
    }
    if (best && best->try_acquire()) return best;
    return pick_round_robin(c);  // lost a race for the last slot under a cap
  }
};

}  // namespace

const Policy& least_conn_policy() {
  static const LeastConn policy;
  return policy;
}

}  // namespace conv::balancer
