#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv::balancer {

// X-Request-Id: one ID per client request, made by the balancer or kept from the client,
// passed upstream, returned to the client and logged on both sides, so that one line of each
// log can be matched (nginx's $request_id, Envoy's x-request-id, Traefik, HAProxy's
// unique-id).
//
// An incoming ID is kept only if it is 1-128 characters of letters, digits and - _ . : + / =
// (a UUID, a ULID, a base64 or hex token); anything else (empty, too long, spaces, control
// bytes, quotes) could forge or break log lines, and is replaced.
bool valid_request_id(std::string_view id);

// A new ID: 32 lowercase hex digits (128 random bits) in the 8-4-4-4-12 form of a version 4
// UUID, as Envoy makes. From a per-thread generator seeded from std::random_device: unique,
// not secret (it is shown to clients and logged).
std::string make_request_id();

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the traceparent header,
// "00-<trace-id: 32 hex>-<parent-id: 16 hex>-<flags: 2 hex>".
struct TraceParent {
  std::array<char, 32> trace_id{};
  std::array<char, 16> parent_id{};
  std::array<char, 2> flags{};
  // The same trace, with a new span ID of the balancer's as the parent: what an attempt
  // sends upstream (each attempt is a span of its own).
  TraceParent child() const;
  std::string text() const;
};

// Nothing if `text` is not a valid traceparent of version 00 (lowercase hex, an all-zero
// trace or parent ID is invalid) or of a later version whose first four fields are (later
// versions may append fields: "a future version ... parse as version 00").
std::optional<TraceParent> parse_traceparent(std::string_view text);

}  // namespace conv::balancer
