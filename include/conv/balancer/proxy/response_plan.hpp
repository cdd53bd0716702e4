#pragma once

#include <cstdint>
#include <optional>

#include "conv/balancer/proxy/forward.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// How an upstream's response goes on to the client, decided from its head.
struct ResponsePlan {
  Framing framing = Framing::none;  // towards the client
  std::uint64_t length = 0;         // the Content-Length the upstream sent (0: none)
  bool relay_body = true;           // false: the response has no body (HEAD, 204, 304)
  bool end_certain = true;  // the response ends where its framing says: its connection is clean
  bool keep_alive = false;  // the client's connection may serve another request
  bool last_chunk_sent = false;  // a chunked one: its end has gone to the client
};

// `declared`: the upstream's Content-Length (Beast has parsed it, and check_upstream_response
// made sure there is at most one); `client_keep_alive`: the client's connection may go on.
ResponsePlan plan_response(const PooledResponseHeader& response,
                           std::optional<std::uint64_t> declared,
                           const http::RequestHeader& request, bool client_keep_alive);

}  // namespace conv::balancer
