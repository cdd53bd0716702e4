#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conv/balancer/config.hpp"
#include "conv/balancer/pool.hpp"
#include "conv/balancer/round_robin.hpp"
#include "conv/balancer/upstream.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// What every proxied exchange shares; owned by the balancer handler.
struct ProxyContext {
  const BalancerConfig& config;
  std::vector<std::unique_ptr<Upstream>>& upstreams;
  RoundRobin& round_robin;
  PoolSet& pools;
  std::uint16_t route;  // the metrics route of proxied requests
  bool log_enabled;     // build the access log's upstream fields
};

// Forwards one request to an upstream and streams the response back (see proxy.cpp for the
// steps, the retry rules and the status codes).
void proxy_request(ProxyContext& context, const http::RequestHeader& request,
                   const http::RequestInfo& info, http::Responder responder);

}  // namespace conv::balancer
