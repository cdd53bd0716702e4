#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conv::http {

// What a role's handler answers. The core adds the framing and the headers every response
// carries (Date, Server, Content-Length, X-Served-By, Connection) when it serialises it.
struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Further headers, written as given. Names must be valid tokens and values free of CR/LF.
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection after this response.
  bool close = false;
  // Index of the route in the role's metrics route list (0: no route matched).
  std::uint16_t route = 0;
  // Role-specific fields appended to this request's access log line (e.g. upstream timings).
  std::string log_extra;
  // The request ID the access log shows; empty: the request's own X-Request-Id, if any.
  std::string request_id;
  // False: no access log line for this request (the converter's health checks, by default).
  bool access_log = true;
};

// The fixed parts of every response: who we are.
struct ResponseIdentity {
  std::string served_by;  // X-Served-By value
};

// Appends the whole HTTP/1.x response (status line, headers, blank line, body) to `out`.
// `head_only` omits the body but keeps its Content-Length, as a response to HEAD must. A 1xx
// or 204 response has neither a body nor a Content-Length. `extra_headers` are whole header
// lines ("Name: value\r\n"), added as they are.
void serialize_response(std::string& out, const Response& response, const ResponseIdentity& id,
                        unsigned version, bool keep_alive, bool head_only,
                        std::string_view extra_headers = {});

}  // namespace conv::http
