#pragma once

#include <string>

#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/balancer/admin/sampler.hpp"
#include "conv/balancer/admin/upstream_totals.hpp"

namespace conv::tls {
class Termination;
}

namespace conv::balancer {

class UpstreamCluster;

// GET /status: the policy and every upstream that is not removed, as JSON; and the client
// side's TLS (certificates and their expiry, handshakes), if `tls` is given.
std::string render_status(const UpstreamCluster& cluster, const StatsSampler& sampler,
                          const ReloadStats& reloads, const tls::Termination* tls = nullptr);

// One upstream as a JSON object (also the answer to a runtime control request).
std::string render_upstream(const UpstreamCluster& cluster, const Upstream& u,
                            const StatsSampler::Recent* recent, double share,
                            const UpstreamTotals* totals);

}  // namespace conv::balancer
