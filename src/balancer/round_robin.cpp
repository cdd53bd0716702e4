#include "conv/balancer/round_robin.hpp"

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

RoundRobin::RoundRobin(const std::vector<std::unique_ptr<Upstream>>& upstreams)
    : upstreams_(upstreams) {
  round_.publish(std::make_shared<const Round>());
  refresh(Upstream::Clock::now());
}

void RoundRobin::refresh(Upstream::Clock::time_point now) {
  std::vector<bool> members(upstreams_.size());
  for (std::size_t i = 0; i < upstreams_.size(); ++i) members[i] = upstreams_[i]->available(now);
  const auto current = round_.snapshot();
  if (current && current->members == members) return;

  std::vector<std::size_t> index;  // position in the weights list -> upstream index
  std::vector<unsigned> weights;
  for (std::size_t i = 0; i < upstreams_.size(); ++i) {
    if (!members[i]) continue;
    index.push_back(i);
    weights.push_back(upstreams_[i]->config().weight);
  }
  auto round = std::make_shared<Round>();
  round->members = std::move(members);
  for (std::size_t slot : smooth_weighted_order(weights)) round->order.push_back(index[slot]);
  round_.publish(std::move(round));
}

Upstream* RoundRobin::pick(Upstream::Clock::time_point now) {
  const Round* round = round_.current();
  if (!round || round->order.empty()) return nullptr;
  const std::size_t n = round->order.size();
  const std::uint64_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    Upstream* u = upstreams_[round->order[(start + k) % n]].get();
    if (u->available(now)) return u;
  }
  return nullptr;
}

std::size_t RoundRobin::available_count() const {
  const Round* round = round_.current();
  std::size_t count = 0;
  if (round) {
    for (bool m : round->members) count += m ? 1 : 0;
  }
  return count;
}

}  // namespace conv::balancer
