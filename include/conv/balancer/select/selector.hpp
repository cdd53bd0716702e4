#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/select/policy.hpp"
#include "conv/util/published.hpp"

namespace conv::balancer {

// Chooses the upstream of each request by the configured policy:
//   round_robin  strict smooth weighted round-robin, globally across threads and connections
//   least_conn   fewest requests in flight relative to weight; ties rotate
//   random       power of two choices: two upstreams drawn at random (in proportion to
//                weight), the one with fewer requests in flight relative to weight wins
//   hash         consistent hashing of a header, a cookie or the client address (see
//                ring_hash.hpp); requests without the key go round-robin
// Each policy is a Policy (policy.hpp) in its own file; the Selector keeps what they share:
//
// What the policies need of the available upstreams (the Round: the round-robin order, the
// members, their effective weights, the ring) is computed off the request path whenever
// availability, a weight or the policy changes, and published; a pick reads it without a
// lock. Slow start:
// an upstream that becomes available again after having been available before has its weight
// ramped from 1/10 of a unit to its full weight over the slow-start window (the control thread
// refreshes every 250 ms, so the ramp moves in those steps).
class Selector {
 public:
  // Internal weights are configured weights times this, so that slow start can ramp a
  // weight-1 upstream in steps. (Round-robin sequences are unchanged: see smooth_weighted_order.)
  static constexpr unsigned kWeightScale = 10;

  using Round = balancer::Round;

  explicit Selector(const UpstreamTable& table, PolicyConfig policy = {});
  Selector(const Selector&) = delete;
  Selector& operator=(const Selector&) = delete;

  // A new policy (a reload); applied at once.
  void configure(const PolicyConfig& policy);
  PolicyConfig policy() const;

  // Recomputes the published state if availability or a weight changed. Any thread; cheap
  // when nothing changed.
  void refresh(Upstream::Clock::time_point now);

  // An available upstream, not in `exclude`, below its connection cap, with one request
  // counted in flight on it (the caller release()s it); or null if there is none.
  Upstream* pick(Upstream::Clock::time_point now, const PickKey& key,
                 std::span<const std::size_t> exclude = {});

  std::size_t available_count() const;
  std::shared_ptr<const Round> snapshot() const { return round_.snapshot(); }

 private:
  unsigned effective_weight(const Upstream& u, Upstream::Clock::time_point now) const;

  const UpstreamTable& table_;
  mutable std::mutex mutex_;  // serialises refresh() and configure()
  PolicyConfig policy_;
  util::Published<Round> round_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace conv::balancer
