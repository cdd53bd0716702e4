#include "conv/http/probe.hpp"

#include <boost/asio/io_context.hpp>
#include <cctype>
#include <optional>
#include <utility>

#include "conv/http/host_port.hpp"
#include "conv/version.hpp"

namespace conv::http {

namespace net = boost::asio;

namespace {

// Bytes allowed in a request target we send: visible ASCII but the fragment mark.
bool valid_target(std::string_view t) {
  for (char c : t) {
    if (c <= 0x20 || c > 0x7e || c == '#') return false;
  }
  return true;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return std::nullopt;
  }
  url.remove_prefix(scheme.size());
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  HttpUrl out;
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  }
  if (!valid_target(out.target) || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  out.host_header = std::string(authority);
  auto where = parse_host_port(authority, kUrlAuthorityRules);
  if (!where) return std::nullopt;
  out.host = std::move(where->host);
  out.port = where->port;
  return out;
}

ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout) {
  net::io_context ctx;
  std::optional<ProbeResult> result;
  async_probe(ctx, url.host, url.port,
              {url.target, url.host_header, "conv-probe/" + std::string(version())}, timeout,
              [&result](ProbeResult r) { result = std::move(r); });
  // The probe's own deadline ends it, name resolution included; what it cancelled is not
  // waited for.
  while (!result && ctx.run_one() > 0) {
  }
  ctx.poll();
  if (result->timed_out)
    result->error = "timed out after " + std::to_string(timeout.count()) + " ms";
  return *result;
}

}  // namespace conv::http
