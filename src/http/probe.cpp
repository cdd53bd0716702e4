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

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  if (starts_with_nocase(url, "https://")) {
    out.https = true;
    url.remove_prefix(8);
  } else if (starts_with_nocase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  }
  if (!valid_target(out.target) || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  out.host_header = std::string(authority);
  auto rules = kUrlAuthorityRules;
  if (out.https) rules.default_port = 443;
  auto where = parse_host_port(authority, rules);
  if (!where) return std::nullopt;
  out.host = std::move(where->host);
  out.port = where->port;
  return out;
}

ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout,
                  const tls::ClientSettings& tls) {
  net::io_context ctx;
  std::optional<ProbeResult> result;
  ProbeRequest request{url.target, url.host_header, "conv-probe/" + std::string(version()), {}};
  if (url.https) request.tls = std::make_shared<const tls::ClientContext>(tls, url.host);
  async_probe(ctx, url.host, url.port, std::move(request), timeout,
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
