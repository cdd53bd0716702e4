#pragma once

#include "conv/balancer/config.hpp"

namespace conv::balancer {

// Runs the balancer role until SIGTERM/SIGINT. Returns the process exit code: 0 after a
// graceful stop, 2 for a bad access log path, 1 if the port cannot be bound.
int run_balancer(const BalancerConfig& config);

}  // namespace conv::balancer
