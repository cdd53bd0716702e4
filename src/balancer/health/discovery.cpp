#include "conv/balancer/health/discovery.hpp"

#include <algorithm>

namespace conv::balancer {

SlotPlan plan_slots(const std::vector<std::optional<Endpoint>>& current,
                    std::vector<Endpoint> resolved) {
  std::sort(resolved.begin(), resolved.end());
  resolved.erase(std::unique(resolved.begin(), resolved.end()), resolved.end());
  SlotPlan plan;
  plan.slots.resize(current.size());
  std::vector<bool> placed(resolved.size(), false);
  for (std::size_t s = 0; s < current.size(); ++s) {
    if (!current[s]) continue;
    const auto it = std::lower_bound(resolved.begin(), resolved.end(), *current[s]);
    if (it == resolved.end() || *it != *current[s]) continue;  // gone: the slot is freed
    const auto r = static_cast<std::size_t>(it - resolved.begin());
    if (placed[r]) continue;  // two slots held one address: keep the first
    placed[r] = true;
    plan.slots[s] = *it;
  }
  std::size_t free = 0;
  for (std::size_t r = 0; r < resolved.size(); ++r) {
    if (placed[r]) continue;
    while (free < plan.slots.size() && plan.slots[free]) ++free;
    if (free == plan.slots.size()) {
      ++plan.left_out;
      continue;
    }
    plan.slots[free] = resolved[r];
  }
  return plan;
}

}  // namespace conv::balancer
