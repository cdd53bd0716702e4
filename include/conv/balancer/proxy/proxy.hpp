#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"
#include "conv/balancer/proxy/proxy_settings.hpp"
#include "conv/balancer/proxy/retry_budget.hpp"
#include "conv/balancer/proxy/trusted_proxies.hpp"
#include "conv/balancer/select/selector.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// What every proxied exchange shares; owned by the balancer handler.
struct ProxyContext {
  const ProxySettings& settings;
  const UpstreamTable& upstreams;
  Selector& selector;
  PoolSet& pools;
  RetryBudget& budget;
  const TrustedProxies& trusted;  // whose forwarding headers are kept
  std::uint16_t route;            // the metrics route of proxied requests
  bool log_enabled;               // build the access log's upstream fields
};

// Forwards one request to an upstream and streams the response back (see proxy.cpp for the
// steps, the retry rules and the status codes).
void proxy_request(ProxyContext& context, const http::RequestHeader& request,
                   const http::RequestInfo& info, http::Responder responder);

}  // namespace conv::balancer
