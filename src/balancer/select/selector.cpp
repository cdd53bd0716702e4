#include "conv/balancer/select/selector.hpp"

#include <algorithm>

#include "conv/balancer/select/round_robin.hpp"

namespace conv::balancer {

using Clock = Upstream::Clock;

Selector::Selector(const UpstreamTable& table, PolicyConfig policy)
    : table_(table), policy_(std::move(policy)) {
  round_.publish(std::make_shared<const Round>());
  refresh(Clock::now());
}

void Selector::configure(const PolicyConfig& policy) {
  {
    std::lock_guard lock(mutex_);
    policy_ = policy;
  }
  refresh(Clock::now());
}

PolicyConfig Selector::policy() const {
  std::lock_guard lock(mutex_);
  return policy_;
}

unsigned Selector::effective_weight(const Upstream& u, Clock::time_point now) const {
  const unsigned full = std::max(1u, u.weight()) * kWeightScale;
  const auto window = policy_.slow_start;
  const auto since = u.recovered_at();
  if (window.count() <= 0 || since == 0) return full;
  const auto elapsed = now.time_since_epoch().count() - since;
  const auto span = std::chrono::duration_cast<Clock::duration>(window).count();
  if (elapsed >= span) return full;
  const auto ramped = static_cast<std::int64_t>(full) * std::max<std::int64_t>(elapsed, 0) / span;
  return static_cast<unsigned>(std::max<std::int64_t>(1, ramped));
}

void Selector::refresh(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto current = round_.snapshot();
  const std::size_t n = table_.size();
  std::vector<unsigned> weights(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    Upstream& u = table_[i];
    if (!u.available(now)) continue;
    const bool was_member = i < current->weights.size() && current->weights[i] > 0;
    u.note_available(was_member, policy_.slow_start.count() > 0, now);
    weights[i] = effective_weight(u, now);
  }
  if (current->weights == weights && current->policy == policy_) return;

  auto round = std::make_shared<Round>();
  round->policy = policy_;
  round->picker = &policy_for(policy_.kind);
  std::vector<unsigned> member_weights;
  std::vector<RingMember> ring_members;
  for (std::size_t i = 0; i < n; ++i) {
    if (weights[i] == 0) continue;
    round->members.push_back(i);
    member_weights.push_back(weights[i]);
    if (policy_.kind == PolicyKind::hash) {
      // Points per configured unit of weight: kRingPointsPerWeight * kWeightScale.
      ring_members.push_back({table_[i].name(), i, weights[i]});
    }
  }
  for (std::size_t slot : smooth_weighted_order(member_weights)) {
    round->order.push_back(round->members[slot]);
  }
  round->ring = build_ring(ring_members);
  round->weights = std::move(weights);
  round_.publish(std::move(round));
}

std::size_t Selector::available_count() const {
  const Round* r = round_.current();
  return r ? r->members.size() : 0;
}

Upstream* Selector::pick(Clock::time_point now, const PickKey& key,
                         std::span<const std::size_t> exclude) {
  const Round* r = round_.current();
  if (!r || r->members.empty()) return nullptr;
  return r->picker->pick(PickContext{*r, table_, now, key, exclude, next_});
}

}  // namespace conv::balancer
