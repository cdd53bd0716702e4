#include "conv/balancer/select/round_robin.hpp"

#include <cstdint>
#include <numeric>

#include "conv/balancer/select/policy.hpp"

namespace conv::balancer {

std::vector<std::size_t> smooth_weighted_order(const std::vector<unsigned>& weights) {
  const std::int64_t total = std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
  std::vector<std::int64_t> current(weights.size(), 0);
  std::vector<std::size_t> order;
  order.reserve(static_cast<std::size_t>(total));
  for (std::int64_t step = 0; step < total; ++step) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    order.push_back(best);
  }
  return order;
}

Upstream* pick_round_robin(const PickContext& c) {
  const auto& order = c.round.order;
  const std::size_t n = order.size();
  const std::uint64_t start = c.next.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    Upstream& u = c.table[order[(start + k) % n]];
    if (c.take(u)) return &u;
  }
  return nullptr;
}

namespace {

// Strict smooth weighted round-robin, globally across threads and connections: the next
// upstream of the precomputed order that can take the request.
class RoundRobin final : public Policy {
 public:
  Upstream* pick(const PickContext& c) const override { return pick_round_robin(c); }
};

}  // namespace

const Policy& round_robin_policy() {
  static const RoundRobin policy;
  return policy;
}

}  // namespace conv::balancer
