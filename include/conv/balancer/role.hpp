#pragma once

#include "conv/balancer/admin/reload.hpp"
#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// Runs the balancer role until SIGTERM/SIGINT. `load` re-reads the configuration for SIGHUP
// and POST /reload (none: started without a file, nothing to reload). Returns the process
// exit code: 0 after a graceful stop, 2 for a bad access log path, 1 if the port or the admin
// port cannot be bound.
int run_balancer(const BalancerConfig& config, ConfigLoader load = {});

}  // namespace conv::balancer
