#pragma once

#include <string>
#include <vector>

#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// Settings that load but are risky in production, each as "<field>: why", in the order of the
// file: the admin API reachable from other hosts, metrics on the public port, active health
// checks off, an upstream's certificate not verified, X-Forwarded-For trusted from anyone.
// Logged as warnings at start and on reload, and printed by --check; never an error (a test
// rig or a private network may mean them).
std::vector<std::string> config_warnings(const BalancerConfig& c);

}  // namespace conv::balancer
