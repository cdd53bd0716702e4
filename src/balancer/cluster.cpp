#include "conv/balancer/cluster.hpp"

namespace conv::balancer {

UpstreamCluster::UpstreamCluster(const BalancerConfig& config)
    : upstreams_(config.upstreams),
      selector_(upstreams_, config.policy),
      pools_(UpstreamTable::kCapacity, config.pool_max_idle, config.pool_idle_timeout,
             config.server.io_model == http::IoModel::shared),
      settings_(config) {}

}  // namespace conv::balancer
