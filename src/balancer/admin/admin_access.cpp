#include "conv/balancer/admin/admin_access.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

#include "conv/http/error_response.hpp"

namespace conv::balancer {

namespace {

namespace bhttp = boost::beast::http;
using boost::beast::iequals;

constexpr std::size_t kMaxToken = 4096;

template <typename Name>
std::string_view field(const http::RequestHeader& r, Name name) {
  const auto it = r.find(name);
  return it == r.end() ? std::string_view{} : std::string_view(it->value());
}

// "host[:port]" without its port: "[::1]:9000" -> "[::1]", "Lb.Local:80" -> "Lb.Local".
std::string_view without_port(std::string_view hostport) {
  const auto colon = hostport.rfind(':');
  const auto bracket = hostport.rfind(']');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return hostport;
  }
  return hostport.substr(0, colon);
}

bool is_ip_literal(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

bool host_allowed(std::string_view hostport, const AdminAccess& access) {
  const auto host = without_port(hostport);
  if (host.empty() || is_ip_literal(host) || iequals(host, "localhost")) return true;
  for (const auto& h : access.hosts) {
    if (iequals(host, h)) return true;
  }
  return false;
}

// Compares without an early exit, so that the time taken does not tell how much matched.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  return same_secret(authorization.substr(kScheme.size()), token);
}

http::Response forbidden(std::string_view message) {
  return http::error_response(403, "forbidden", message);
}

std::string read_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("admin_token_file: cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  if (token.empty()) throw ConfigError("admin_token_file: " + path + " is empty");
  if (token.size() > kMaxToken) throw ConfigError("admin_token_file: " + path + " is too long");
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7f) {
      throw ConfigError("admin_token_file: " + path +
                        ": the token must be printable ASCII without spaces");
    }
  }
  return token;
}

}  // namespace

AdminAccess load_admin_access(const BalancerConfig& config) {
  AdminAccess access;
  access.hosts = config.admin_hosts;
  if (!config.admin_token_file.empty()) access.token = read_token(config.admin_token_file);
  if (config.admin && access.token.empty() && !is_loopback_host(config.admin->host)) {
    throw ConfigError("admin: " + config.admin->text() +
                      " is not a loopback address: the admin API would obey anyone who can "
                      "reach it; set \"admin_token_file\" (or --admin-token-file), or keep it "
                      "on 127.0.0.1");
  }
  return access;
}

std::optional<http::Response> refuse_admin_request(const http::RequestHeader& request,
                                                   const AdminAccess& access) {
  if (!host_allowed(field(request, bhttp::field::host), access)) {
    return forbidden("the admin API answers only to its own address, localhost or admin_hosts");
  }
  const auto origin = field(request, bhttp::field::origin);
  if (!origin.empty()) {
    const auto scheme_end = origin.find("://");
    const auto origin_host =
        scheme_end == std::string_view::npos ? origin : origin.substr(scheme_end + 3);
    if (!iequals(origin_host, field(request, bhttp::field::host))) {
      return forbidden("cross-origin requests to the admin API are refused");
    }
  }
  const auto site = field(request, "Sec-Fetch-Site");
  if (!site.empty() && !iequals(site, "same-origin") && !iequals(site, "none")) {
    return forbidden("cross-site requests to the admin API are refused");
  }
  const bool reads = request.method() == bhttp::verb::get || request.method() == bhttp::verb::head;
  if (!reads && !access.token.empty() &&
      !bearer_matches(field(request, bhttp::field::authorization), access.token)) {
    auto r = http::error_response(401, "unauthorized",
                                  "this admin request needs Authorization: Bearer <token>");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"conv admin\"");
    return r;
  }
  return std::nullopt;
}

}  // namespace conv::balancer
