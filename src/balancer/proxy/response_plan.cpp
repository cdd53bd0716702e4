#include "conv/balancer/proxy/response_plan.hpp"

#include "conv/http/request_validator.hpp"

namespace conv::balancer {

namespace bhttp = boost::beast::http;

ResponsePlan plan_response(const PooledResponseHeader& response,
                           std::optional<std::uint64_t> declared,
                           const http::RequestHeader& request, bool client_keep_alive) {
  ResponsePlan plan;
  const unsigned status = response.result_int();
  const bool no_body = request.method() == bhttp::verb::head || status == 204 || status == 304;
  plan.length = declared.value_or(0);
  if (no_body) {
    // RFC 9110 8.6: a 204 has no Content-Length; a HEAD or 304 answer may give the length
    // the GET would have had.
    plan.framing = declared && status != 204 ? Framing::length : Framing::none;
    plan.relay_body = false;
    // A bodiless answer that declares a body leaves its end uncertain: if the upstream
    // sends that body anyway, it would be read as the answer to the next request.
    plan.end_certain = plan.length == 0 && http::framing_fields(response).encodings == 0;
  } else if (declared) {
    plan.framing = Framing::length;
  } else {
    // Chunked, or delimited by the upstream closing: re-chunk for HTTP/1.1 clients, or
    // delimit by closing for HTTP/1.0 ones.
    plan.framing = request.version() == 11 ? Framing::chunked : Framing::close;
  }
  plan.keep_alive = client_keep_alive && plan.framing != Framing::close;
  return plan;
}

}  // namespace conv::balancer
