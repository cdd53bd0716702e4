#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "conv/balancer/upstream.hpp"
#include "conv/util/published.hpp"

namespace conv::balancer {

// The order of one round of smooth weighted round-robin, as nginx does it: each step, every
// upstream's current weight grows by its weight, the largest is picked and loses the total.
// Weights {5, 1, 1} give a a b a c a a: spread out, not a a a a a b c. The result has one
// entry per unit of weight, each an index into `weights`.
std::vector<std::size_t> smooth_weighted_order(const std::vector<unsigned>& weights);

// Strict round-robin over the available upstreams, globally across threads and connections.
//
// The order of one round over the upstreams available now is computed ahead (on a health
// change, off the request path) and published; a request takes the next slot of it with one
// atomic increment. So with N equal upstreams, consecutive requests rotate through them in
// order, and an upstream that goes down is simply absent from the next round, leaving the
// rotation of the others undisturbed. If a picked upstream has failed since the round was
// computed, the next slots are tried.
class RoundRobin {
 public:
  explicit RoundRobin(const std::vector<std::unique_ptr<Upstream>>& upstreams);

  // Recomputes the round if the set of available upstreams changed. Any thread; cheap when
  // nothing changed.
  void refresh(Upstream::Clock::time_point now);

  // The next upstream, or nothing if none is available.
  Upstream* pick(Upstream::Clock::time_point now);

  // How many upstreams the current round holds.
  std::size_t available_count() const;

 private:
  struct Round {
    std::vector<std::size_t> order;  // indexes into upstreams_
    std::vector<bool> members;       // which upstreams it was computed for
  };

  const std::vector<std::unique_ptr<Upstream>>& upstreams_;
  util::Published<Round> round_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace conv::balancer
