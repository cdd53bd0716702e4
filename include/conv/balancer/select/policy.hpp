#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/select/ring_hash.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

class Policy;

// What a policy may look at to choose: the request (hash on a header or cookie) and the
// client's address.
struct PickKey {
  const http::RequestHeader* request = nullptr;
  std::string_view client_address;
};

// What the policies need of the available upstreams, computed by the Selector off the request
// path whenever availability, a weight or the policy changes, and published; a pick reads it
// without a lock.
struct Round {
  PolicyConfig policy;
  const Policy* picker = nullptr;  // the policy's code (policy_for(policy.kind))
  std::vector<unsigned> weights;   // effective weight by upstream index; 0: not available
  std::vector<std::size_t> order;  // smooth weighted round-robin order, upstream indexes
  std::vector<std::size_t> members;
  std::vector<RingPoint> ring;  // hash policy only
};

// One pick: the published round, the upstreams, the time, the request, and the upstreams not
// to choose (tried already by this request).
struct PickContext {
  const Round& round;
  const UpstreamTable& table;
  Upstream::Clock::time_point now;
  const PickKey& key;
  std::span<const std::size_t> exclude;
  std::atomic<std::uint64_t>& next;  // the selector's rotation counter (round-robin, ties)

  bool excluded(std::size_t i) const;
  // Available, not excluded, and one request counted in flight on it (below its cap).
  bool take(Upstream& u) const;
};

// How one policy chooses. Each is one file under select/ and has no state of its own: what it
// keeps between picks is in the Round (precomputed) or the context's counter.
class Policy {
 public:
  virtual ~Policy() = default;
  // An upstream with one request counted in flight on it (PickContext::take), or null.
  virtual Upstream* pick(const PickContext& c) const = 0;
};

const Policy& policy_for(PolicyKind kind);

// The round-robin pick, which the other policies fall back on (a request without the hash
// key, a lost race for the last slot under a cap, two random draws both out).
Upstream* pick_round_robin(const PickContext& c);

// Is a less loaded than b, relative to their weights? (in_a / w_a < in_b / w_b)
inline bool less_loaded(std::int64_t in_a, unsigned w_a, std::int64_t in_b, unsigned w_b) {
  return in_a * static_cast<std::int64_t>(w_b) < in_b * static_cast<std::int64_t>(w_a);
}

}  // namespace conv::balancer
