#include <cstdint>
#include <string_view>

#include "conv/balancer/select/policy.hpp"

namespace conv::balancer {

namespace {

// A fast per-thread generator (xorshift64*): no lock, no shared state.
std::uint64_t next_random() {
  thread_local std::uint64_t state =
      hash64(std::string_view(reinterpret_cast<const char*>(&state), sizeof state),
             static_cast<std::uint64_t>(Upstream::Clock::now().time_since_epoch().count())) |
      1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dull;
}

// Of upstreams a and b, the less loaded relative to weight that can take the request.
Upstream* less_loaded_of(const PickContext& c, std::size_t a, std::size_t b) {
  Upstream& ua = c.table[a];
  Upstream& ub = c.table[b];
  const bool a_ok = ua.available(c.now) && !c.excluded(a);
  const bool b_ok = ub.available(c.now) && !c.excluded(b);
  Upstream* first = nullptr;
  Upstream* second = nullptr;
  if (a_ok && b_ok) {
    const auto& w = c.round.weights;
    const bool b_less = less_loaded(ub.in_flight(), w[b], ua.in_flight(), w[a]);
    first = b_less ? &ub : &ua;
    second = b_less ? &ua : &ub;
  } else {
    first = a_ok ? &ua : (b_ok ? &ub : nullptr);
  }
  if (first && first->try_acquire()) return first;
  if (second && second->try_acquire()) return second;
  return nullptr;
}

// The `random` policy, power of two choices: two upstreams drawn at random in proportion to
// weight (from the weighted order), the one with fewer requests in flight relative to weight
// wins.
class TwoChoices final : public Policy {
 public:
  Upstream* pick(const PickContext& c) const override {
    const auto& order = c.round.order;
    const std::size_t n = order.size();
    const std::uint64_t x = next_random();
    const std::size_t a = order[(x & 0xffffffffu) % n];
    const std::size_t b = order[(x >> 32) % n];
    if (Upstream* u = less_loaded_of(c, a, b)) return u;
    return pick_round_robin(c);  // both drawn were out: any that is in
  }
};

}  // namespace

const Policy& two_choices_policy() {
  static const TwoChoices policy;
  return policy;
}

}  // namespace conv::balancer
