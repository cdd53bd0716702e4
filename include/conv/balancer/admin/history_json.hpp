#pragma once

#include <string>

#include "conv/balancer/admin/sampler.hpp"

namespace conv::balancer {

class UpstreamCluster;

// GET /history: each upstream's last seconds (StatsSampler::history), oldest first, for the
// status page's sparklines; the upstreams as /status lists them (removed ones left out):
//   {"interval_seconds":1,"seconds":N,"upstreams":[{"name":"127.0.0.1:5001",
//    "requests_per_second":[...],"error_rate":[...],"p50_ms":[...],"p99_ms":[...]}]}
// Every array has N numbers; a latency is null for a second without answers.
std::string render_history(const UpstreamCluster& cluster, const StatsSampler& sampler);

}  // namespace conv::balancer
