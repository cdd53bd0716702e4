#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conv/http/async_probe.hpp"

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

// async_probe on an io_context of its own (resolve, connect, send, read the response header),
// all within `timeout`. Blocks the calling thread: meant for the command line (health checks in
// containers), never for a server thread.
ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout);

}  // namespace conv::http
