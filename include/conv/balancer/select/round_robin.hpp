#pragma once

#include <cstddef>
#include <vector>

namespace conv::balancer {

// The order of one round of smooth weighted round-robin, as nginx does it: each step, every
// upstream's current weight grows by its weight, the largest is picked and loses the total.
// Weights {5, 1, 1} give a a b a c a a: spread out, not a a a a a b c. The result has one
// entry per unit of weight, each an index into `weights`. Scaling every weight by k gives the
// same sequence k times over.
std::vector<std::size_t> smooth_weighted_order(const std::vector<unsigned>& weights);

}  // namespace conv::balancer
