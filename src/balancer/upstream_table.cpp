#include "conv/balancer/upstream_table.hpp"

namespace conv::balancer {

UpstreamTable::UpstreamTable(const std::vector<UpstreamConfig>& configs) {
  for (const auto& c : configs) add(c);
}

Upstream* UpstreamTable::find(std::string_view name) const {
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    if (slots_[i]->name() == name) return slots_[i].get();
  }
  return nullptr;
}

Upstream* UpstreamTable::add(const UpstreamConfig& config) {
  if (Upstream* u = find(config.address.text())) {
    u->apply(config);
    return u;
  }
  const std::size_t n = size();
  if (n >= kCapacity) return nullptr;
  slots_[n] = std::make_unique<Upstream>(config, n);
  size_.store(n + 1, std::memory_order_release);
  return slots_[n].get();
}

}  // namespace conv::balancer
