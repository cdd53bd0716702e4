// One proxied exchange, a stage at a time, on the client connection's executor:
//
//   reading_body_start (a request with a body: its first piece, before any upstream hears
//     of it; RequestLeg) -> connecting (an Attempt: pick an upstream; a pooled connection or
//     connect) -> sending_head -> sending_body (RequestLeg, through the BodyRelay, re-framed)
//   -> reading_head (ResponseLeg; interim 1xx skipped) -> writing_head (with the start of the
//   body) -> relaying_body (ResponseLeg, through the same BodyRelay) -> ended
//
// Every path leaves through Exchange::end(Outcome), which closes or pools the upstream
// connection, releases the upstream, stops the timer and answers the responder exactly once.
// A failure before any response byte is retried on the next upstream if decide_retry()
// (retry_policy.cpp) allows it: connect errors (any method: nothing was sent) and resets or
// EOF of an idempotent request without a body, at most `tries` attempts within
// `retry_timeout`. Each failure counts against the upstream's passive health. No upstream
// available: 503. Connect or response timeout: 504. Refused, reset, malformed response: 502.
// Once the response head went to the client, a failure can only cut the connection (the
// client sees a truncated body).
#include "conv/balancer/proxy/proxy.hpp"

#include <memory>

#include "conv/balancer/proxy/exchange.hpp"

namespace conv::balancer {

void proxy_request(ProxyContext& context, const http::RequestHeader& request,
                   const http::RequestInfo& info, http::Responder responder) {
  std::make_shared<Exchange>(context, request, info, std::move(responder))->start();
}

}  // namespace conv::balancer
