#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conv/http/async_probe.hpp"
#include "conv/tls/client_context.hpp"

namespace conv::http {

// An http:// or https:// URL split for a request: host (IPv6 without brackets), port,
// origin-form target.
struct HttpUrl {
  bool https = false;
  std::string host;
  std::uint16_t port = 80;   // 443 for https:// unless given
  std::string target = "/";  // path and query, as given
  std::string host_header;   // "host[:port]" as the URL wrote it
};

// Parses "http[s]://host[:port][/path][?query]". Nothing for another scheme, a missing host, a
// bad port (not 1-65535), userinfo, a fragment, or bytes that cannot go in a request line.
std::optional<HttpUrl> parse_http_url(std::string_view url);

// async_probe on an io_context of its own (resolve, connect, for https:// a TLS handshake with
// `tls` (the name verified: the URL's host unless tls.server_name says otherwise), send, read
// the response header), all within `timeout`. Blocks the calling thread: meant for the
// command line (health checks in containers), never for a server thread. Throws
// tls::TlsError if `tls` names a file that cannot be used.
ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout,
                  const tls::ClientSettings& tls = {});

}  // namespace conv::http
