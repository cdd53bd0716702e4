#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace conv::tls {
class ClientContext;
}

namespace conv::http {

// What one probe found: the status when a response header arrived, else why not.
struct ProbeResult {
  unsigned status = 0;     // 0: no response
  std::string error;       // set when status is 0: "<step>: <reason>" or "timed out"
  bool timed_out = false;  // the deadline passed first
  // Set when status is 0, one word: "timeout", "resolve", "connect_refused" (any connect
  // error), "tls" (the handshake), "reset" (sending, or the connection closed before a whole
  // head, or body), "malformed" (the head or the body's framing did not parse), "too_large"
  // (a body beyond ProbeRequest::max_body).
  std::string_view reason;
  std::string body;  // the response body, when ProbeRequest::max_body asked for it
  bool ok() const { return status >= 200 && status < 300; }
};

// The GET a probe sends, with `Connection: close`.
struct ProbeRequest {
  std::string target;       // origin form: "/healthz"
  std::string host_header;  // "host[:port]"
  std::string user_agent;
  // Non-null: over TLS with this context (a handshake under the same deadline; SNI and the
  // name verified are the context's). A failed handshake is "tls: <reason>".
  std::shared_ptr<const tls::ClientContext> tls = nullptr;
  // 0: the head is the answer, the body is never read (health checks). Else the whole body is
  // read too, under the same deadline, and refused beyond this many bytes (a rate feed).
  std::size_t max_body = 0;
};

using ProbeHandler = std::function<void(ProbeResult)>;

// One HTTP/1.1 GET over plain TCP (or TLS, see ProbeRequest::tls), asynchronous on `ctx`: connect,
// send the request, read the status line and headers (at most 8 KiB of head; the body is never
// read), all under one deadline of `timeout`. `done` runs once, on `ctx`, at the latest when the
// deadline passes: nothing waits on the peer, so it is safe on a thread that serves other work (the
// balancer's health checks) as well as on an io_context of its own (`conv probe`).
void async_probe(boost::asio::io_context& ctx, std::vector<boost::asio::ip::tcp::endpoint> to,
                 ProbeRequest request, std::chrono::milliseconds timeout, ProbeHandler done);

// The same after resolving `host` (under the same deadline); a failed resolution is "resolve:".
void async_probe(boost::asio::io_context& ctx, const std::string& host, std::uint16_t port,
                 ProbeRequest request, std::chrono::milliseconds timeout, ProbeHandler done);

}  // namespace conv::http
