#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv::http {

// An http:// URL split for a request: host (IPv6 without brackets), port, origin-form target.
struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, as given
  std::string host_header;   // "host[:port]" as the URL wrote it
};

// Parses "http://host[:port][/path][?query]". Nothing for another scheme, a missing host, a
// bad port (not 1-65535), userinfo, a fragment, or bytes that cannot go in a request line.
std::optional<HttpUrl> parse_http_url(std::string_view url);

// What one probe found: the status when a response header arrived, else why not.
struct ProbeResult {
  unsigned status = 0;  // 0: no response
  std::string error;    // set when status is 0
  bool ok() const { return status >= 200 && status < 300; }
};

// One HTTP/1.1 GET over plain TCP (resolve, connect, send, read the response header), all
// within `timeout`. Blocks the calling thread: meant for the command line (health checks in
// containers), never for a server thread.
ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout);

}  // namespace conv::http
