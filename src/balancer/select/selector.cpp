#include "conv/balancer/select/selector.hpp"

#include <algorithm>

#include "conv/balancer/select/round_robin.hpp"

namespace conv::balancer {

namespace {

using Clock = Upstream::Clock;

bool excluded(std::span<const std::size_t> exclude, std::size_t i) {
  return std::find(exclude.begin(), exclude.end(), i) != exclude.end();
}

// A fast per-thread generator for the random policy (xorshift64*): no lock, no shared state.
std::uint64_t next_random() {
  thread_local std::uint64_t state =
      hash64(std::string_view(reinterpret_cast<const char*>(&state), sizeof state),
             static_cast<std::uint64_t>(Clock::now().time_since_epoch().count())) |
      1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dull;
}

// Is a less loaded than b, relative to their weights? (in_a / w_a < in_b / w_b)
bool less_loaded(std::int64_t in_a, unsigned w_a, std::int64_t in_b, unsigned w_b) {
  return in_a * static_cast<std::int64_t>(w_b) < in_b * static_cast<std::int64_t>(w_a);
}

}  // namespace

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
  const auto since = u.recovered_at.load(std::memory_order_relaxed);
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
    if (!was_member && u.ever_available.load(std::memory_order_relaxed) &&
        policy_.slow_start.count() > 0) {
      u.recovered_at.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    }
    u.ever_available.store(true, std::memory_order_relaxed);
    weights[i] = effective_weight(u, now);
  }
  if (current->weights == weights && current->policy == policy_) return;

  auto round = std::make_shared<Round>();
  round->policy = policy_;
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

bool Selector::usable(Upstream& u, Clock::time_point now,
                      std::span<const std::size_t> exclude) const {
  return u.available(now) && !excluded(exclude, u.index()) && u.try_acquire();
}

Upstream* Selector::pick(Clock::time_point now, const PickKey& key,
                         std::span<const std::size_t> exclude) {
  const Round* r = round_.current();
  if (!r || r->members.empty()) return nullptr;
  switch (r->policy.kind) {
    case PolicyKind::round_robin:
      break;
    case PolicyKind::least_conn:
      return pick_least_conn(*r, now, exclude);
    case PolicyKind::random:
      return pick_random(*r, now, exclude);
    case PolicyKind::hash:
      if (key.request) {
        if (auto h = request_key_hash(r->policy.key, *key.request, key.client_address)) {
          return pick_hash(*r, *h, now, exclude);
        }
      }
      break;
  }
  return pick_round_robin(*r, now, exclude);
}

Upstream* Selector::pick_round_robin(const Round& r, Clock::time_point now,
                                     std::span<const std::size_t> exclude) {
  const std::size_t n = r.order.size();
  const std::uint64_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    Upstream& u = table_[r.order[(start + k) % n]];
    if (usable(u, now, exclude)) return &u;
  }
  return nullptr;
}

Upstream* Selector::pick_least_conn(const Round& r, Clock::time_point now,
                                    std::span<const std::size_t> exclude) {
  const std::size_t m = r.members.size();
  const std::uint64_t start = next_.fetch_add(1, std::memory_order_relaxed);  // rotates ties
  Upstream* best = nullptr;
  std::int64_t best_in = 0;
  unsigned best_w = 1;
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t i = r.members[(start + k) % m];
    Upstream& u = table_[i];
    if (!u.available(now) || excluded(exclude, i)) continue;
    const std::int64_t in = u.in_flight();
    const unsigned cap = u.max_conns();
    if (cap != 0 && in >= static_cast<std::int64_t>(cap)) continue;
    if (!best || less_loaded(in, r.weights[i], best_in, best_w)) {
      best = &u;
      best_in = in;
      best_w = r.weights[i];
    }
  }
  if (best && best->try_acquire()) return best;
  return pick_round_robin(r, now, exclude);  // lost a race for the last slot under a cap
}

Upstream* Selector::pick_least(const Round& r, std::size_t a, std::size_t b, Clock::time_point now,
                               std::span<const std::size_t> exclude) {
  Upstream& ua = table_[a];
  Upstream& ub = table_[b];
  const bool a_ok = ua.available(now) && !excluded(exclude, a);
  const bool b_ok = ub.available(now) && !excluded(exclude, b);
  Upstream* first = nullptr;
  Upstream* second = nullptr;
  if (a_ok && b_ok) {
    const bool b_less = less_loaded(ub.in_flight(), r.weights[b], ua.in_flight(), r.weights[a]);
    first = b_less ? &ub : &ua;
    second = b_less ? &ua : &ub;
  } else {
    first = a_ok ? &ua : (b_ok ? &ub : nullptr);
  }
  if (first && first->try_acquire()) return first;
  if (second && second->try_acquire()) return second;
  return nullptr;
}

Upstream* Selector::pick_random(const Round& r, Clock::time_point now,
                                std::span<const std::size_t> exclude) {
  // Draws from the weighted order, so each draw is in proportion to weight.
  const std::size_t n = r.order.size();
  const std::uint64_t x = next_random();
  const std::size_t a = r.order[(x & 0xffffffffu) % n];
  const std::size_t b = r.order[(x >> 32) % n];
  if (Upstream* u = pick_least(r, a, b, now, exclude)) return u;
  return pick_round_robin(r, now, exclude);  // both drawn were out: any that is in
}

Upstream* Selector::pick_hash(const Round& r, std::uint64_t hash, Clock::time_point now,
                              std::span<const std::size_t> exclude) {
  const std::size_t n = r.ring.size();
  if (n == 0) return pick_round_robin(r, now, exclude);
  const std::size_t start = ring_position(r.ring, hash);
  for (std::size_t k = 0; k < n; ++k) {
    Upstream& u = table_[r.ring[(start + k) % n].upstream];
    if (usable(u, now, exclude)) return &u;
  }
  return nullptr;
}

}  // namespace conv::balancer
