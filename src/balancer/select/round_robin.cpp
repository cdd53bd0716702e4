#include "conv/balancer/select/round_robin.hpp"

#include <cstdint>
#include <numeric>

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

}  // namespace conv::balancer
