#pragma once

#include <string>

#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/balancer/cluster.hpp"
#include "conv/http/access_log.hpp"
#include "conv/http/metrics.hpp"

namespace conv::tls {
class Termination;
}

namespace conv::balancer {

// What the balancer's Prometheus text is made of: the client-side HTTP series of the main
// listener, the upstreams, and the access log's drops.
struct MetricsSources {
  const UpstreamCluster& cluster;
  const http::Metrics& http;
  const http::AccessLog& log;
  const tls::Termination* tls = nullptr;  // HTTPS for clients, if on
};

// The balancer's Prometheus text: the client-side HTTP series, then per upstream and global;
// the reload series too when `reloads` is given (the admin API and the metrics listener).
void render_balancer_metrics(const MetricsSources& from, const ReloadStats* reloads,
                             std::string& out);

}  // namespace conv::balancer
