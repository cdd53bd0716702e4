#include "conv/balancer/model/upstream_table.hpp"

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

std::size_t UpstreamTable::missing(const std::vector<UpstreamConfig>& configs) const {
  std::size_t fresh = 0;
  for (const auto& c : configs) {
    for (const auto& name : slot_names(c)) fresh += find(name) ? 0 : 1;
  }
  return fresh;
}

std::vector<Upstream*> UpstreamTable::add(const UpstreamConfig& config) {
  const auto names = slot_names(config);
  if (size() + missing({config}) > kCapacity) return {};
  std::vector<Upstream*> out;
  for (const auto& name : names) {
    if (Upstream* u = find(name)) {
      u->apply(config);
      out.push_back(u);
      continue;
    }
    const std::size_t n = size();
    slots_[n] = std::make_unique<Upstream>(config, n, name);
    size_.store(n + 1, std::memory_order_release);
    out.push_back(slots_[n].get());
  }
  return out;
}

}  // namespace conv::balancer
