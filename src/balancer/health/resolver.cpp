#include "conv/balancer/health/resolver.hpp"

#include <algorithm>
#include <memory>

namespace conv::balancer {

void DnsResolver::resolve(const std::string& host, std::uint16_t port, Done done) {
  namespace net = boost::asio;
  // One resolver per resolution, kept alive by its own handler: a checker stopped meanwhile
  // needs to cancel nothing (its `done` sees that it stopped).
  auto resolver = std::make_shared<net::ip::tcp::resolver>(ctx_);
  resolver->async_resolve(
      host, std::to_string(port),
      [resolver, done = std::move(done)](boost::system::error_code ec,
                                         net::ip::tcp::resolver::results_type results) {
        std::vector<net::ip::tcp::endpoint> addresses;
        for (const auto& r : results) addresses.push_back(r.endpoint());
        done(ec, std::move(addresses));
      });
}

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
