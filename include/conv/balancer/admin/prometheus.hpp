#pragma once

#include <string>

#include "conv/balancer/admin/reload_stats.hpp"

namespace conv::balancer {

class BalancerHandler;

// The balancer's Prometheus text: the client-side HTTP series, then per upstream and global.
void render_balancer_metrics(const BalancerHandler& h, const ReloadStats* reloads,
                             std::string& out);

}  // namespace conv::balancer
