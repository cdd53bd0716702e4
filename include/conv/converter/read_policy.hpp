#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conv/http/handler.hpp"

namespace conv::converter {

// The methods every converter route allows (Allow, on 405 and OPTIONS answers).
inline constexpr std::string_view kAllowedMethods = "GET, HEAD, OPTIONS";
// Cache-Control max-age of the read routes unless --cache-max-age says otherwise.
inline constexpr std::chrono::seconds kDefaultMaxAge{300};

// How the read routes (/v1/rates, /v1/convert, /v1/currencies) answer browsers and HTTP
// caches (docs/api.md, "Caching and CORS"): public, read-only data that any web page may
// fetch and any cache may keep for a while.
struct ReadPolicy {
  ReadPolicy() { set_max_age(kDefaultMaxAge); }

  // Origins whose pages may read the answers: "*" (any, the default), or exact origins
  // ("https://app.example"); empty: no CORS headers at all.
  std::vector<std::string> cors_origins{"*"};
  // Whether every origin may read ("*" among cors_origins).
  bool any_origin() const;
  // Refuse unknown query parameters (400 unknown_parameter) instead of ignoring them.
  bool strict_params = false;

  // The Cache-Control of a 200 or 304: "public, max-age=N", made once, not per request.
  void set_max_age(std::chrono::seconds age);
  const std::string& cache_control() const { return cache_control_; }

 private:
  std::string cache_control_;
};

// Whether `origin` is a web origin as browsers send it: "http://" or "https://", a host, and
// an optional port; no path, no trailing slash.
bool valid_origin(std::string_view origin);

// A strong entity tag for a body: the quoted hex of its 64-bit FNV-1a hash. Equal bodies have
// equal tags on every replica, so a cache may revalidate against any of them.
std::string entity_tag(std::string_view body);

// Whether an If-None-Match value (a list of entity tags, or "*") matches `etag`, by the weak
// comparison RFC 9110 13.1.2 prescribes (W/"x" matches "x").
bool none_match(std::string_view if_none_match, std::string_view etag);

// Finishes a read route's answer: CORS headers for an allowed Origin (with Vary: Origin unless
// every origin is allowed); on a 200, ETag and Cache-Control (the policy's, unless the route
// set its own), and a 304 without a body when the request's If-None-Match matches.
void finish_read_answer(http::Response& r, const http::RequestHeader& request,
                        const ReadPolicy& policy);

// The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) of a
// read route, or nothing if `request` is not one. Allowed: 204 with the methods (GET, HEAD),
// the headers asked for, and a max age of a day; else 204 without them (the browser refuses).
std::optional<http::Response> preflight_answer(const http::RequestHeader& request,
                                               const ReadPolicy& policy);

}  // namespace conv::converter
