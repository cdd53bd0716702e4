#include "conv/balancer/select/policy.hpp"

#include <algorithm>

namespace conv::balancer {

const Policy& round_robin_policy();
const Policy& least_conn_policy();
const Policy& two_choices_policy();
const Policy& ring_hash_policy();

bool PickContext::excluded(std::size_t i) const {
  return std::find(exclude.begin(), exclude.end(), i) != exclude.end();
}

bool PickContext::take(Upstream& u) const {
  return u.available(now) && !excluded(u.index()) && u.try_acquire();
}

const Policy& policy_for(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::least_conn:
      return least_conn_policy();
    case PolicyKind::random:
      return two_choices_policy();
    case PolicyKind::hash:
      return ring_hash_policy();
    case PolicyKind::round_robin:
      break;
  }
  return round_robin_policy();
}

}  // namespace conv::balancer
