#pragma once

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>

#include "conv/balancer/proxy/request_id.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

using ResponseHeader = boost::beast::http::response_header<>;
// An upstream response head whose fields live in the exchange's own arena (proxy.cpp): no
// allocation per header line.
using PooledFields = boost::beast::http::basic_fields<std::pmr::polymorphic_allocator<char>>;
using PooledResponseHeader = boost::beast::http::response_header<PooledFields>;

// How a message body is framed on the wire.
enum class Framing {
  none,     // no body
  length,   // Content-Length
  chunked,  // Transfer-Encoding: chunked
  close,    // until the connection closes (responses to HTTP/1.0 clients only)
};

// The hop-by-hop headers a proxy must not forward (RFC 9110 7.6.1), and the framing headers
// it computes itself. Beast knows each of them by name, so the field enum decides.
bool is_hop_by_hop(boost::beast::http::field f);

struct ForwardedFor {
  std::string_view client_address;  // the peer's IP address
  std::string_view proto = "http";
  std::string_view via = "1.1 conv";
  // The peer is a trusted proxy (`trusted_proxies`): what it says of the client is kept.
  bool trusted_peer = false;
  // Sent as X-Request-Id in place of the client's; empty: the client's go as they are.
  std::string_view request_id = {};
  // Sent as traceparent in place of the client's, with the client's tracestate; none: the
  // client's traceparent and tracestate are dropped (invalid, or there were none).
  const TraceParent* trace = nullptr;
};

// The request head sent upstream: method, target and HTTP/1.1; Host and end-to-end headers
// preserved; hop-by-hop headers and every header named in Connection removed (but Host);
// Expect removed (the balancer answers 100-continue itself); X-Forwarded-Proto and
// X-Forwarded-Host set, Via appended to; X-Forwarded-For appended to from a trusted peer,
// else replaced by the peer's address, and an untrusted peer's Forwarded and X-Real-IP
// dropped; X-Request-Id and traceparent as `fwd` says; exactly one framing header, computed
// here. `upgrade` (asks_upgrade()): the request's Upgrade protocols but h2c go too, with
// "Connection: Upgrade".
std::string upstream_request_head(const http::RequestHeader& request, const ForwardedFor& fwd,
                                  Framing framing, std::uint64_t length, bool upgrade = false);

// The request's X-Request-Id and traceparent, each if it has exactly one (else empty), found
// as upstream_request_head finds them: one pass, names compared only for unknown fields of
// the right lengths.
struct IncomingIds {
  std::string_view request_id, traceparent;
};
IncomingIds incoming_ids(const http::RequestHeader& request);

// Whether the request asks to switch protocols (RFC 9110 7.8: Upgrade, listed in
// Connection) to anything but h2c, which a server may ignore (the client then goes on in
// HTTP/1.1, as curl --http2 does).
bool asks_upgrade(const http::RequestHeader& request);

// How the request body travels upstream: as the client framed it (a length or chunked).
Framing request_framing(const http::RequestHeader& request, std::uint64_t& length);

// Checks an upstream response head: one unambiguous framing, a status code in 100-599, a
// printable reason. Returns why it is unusable (then the client gets 502).
std::optional<std::string> check_upstream_response(const ResponseHeader& response);
std::optional<std::string> check_upstream_response(const PooledResponseHeader& response);

// The response head sent to the client: the upstream's status and end-to-end headers,
// hop-by-hop ones removed, Via appended to, exactly one framing header, and Connection as
// `keep_alive` and the client's HTTP version need; `extra_headers` (whole lines: the client
// connection's own, such as HSTS) added as they are; `request_id`, if any, as X-Request-Id in
// place of the upstream's.
std::string client_response_head(const ResponseHeader& response, unsigned client_version,
                                 Framing framing, std::uint64_t length, bool keep_alive,
                                 std::string_view via, std::string_view extra_headers = {},
                                 std::string_view request_id = {});
std::string client_response_head(const PooledResponseHeader& response, unsigned client_version,
                                 Framing framing, std::uint64_t length, bool keep_alive,
                                 std::string_view via, std::string_view extra_headers = {},
                                 std::string_view request_id = {});

// An upstream's 101 Switching Protocols, which must name its protocol in Upgrade.
bool switches_protocols(const PooledResponseHeader& response);
// The 101 head sent to the client (HTTP/1.1): as client_response_head, but the Upgrade kept,
// "Connection: Upgrade", no framing.
std::string switching_protocols_head(const PooledResponseHeader& response, std::string_view via,
                                     std::string_view extra_headers,
                                     std::string_view request_id = {});

}  // namespace conv::balancer
