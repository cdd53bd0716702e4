#include "conv/balancer/model/config_warnings.hpp"

#include <boost/asio/ip/address.hpp>

namespace conv::balancer {

namespace {

bool is_wildcard(const std::string& host) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_unspecified();
}

void admin_warnings(const BalancerConfig& c, std::vector<std::string>& out) {
  if (!c.admin || is_loopback_host(c.admin->host)) return;
  out.push_back("admin: the admin API on " + c.admin->text() + " is reachable from " +
                (is_wildcard(c.admin->host) ? "every network this host is on" : "other hosts") +
                "; anyone who reaches it with the token can drain, disable and reload "
                "upstreams: keep it on loopback or a private network behind a firewall");
}

void upstream_warnings(const BalancerConfig& c, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < c.upstreams.size(); ++i) {
    const auto& u = c.upstreams[i];
    if (u.tls && !u.tls->verify) {
      out.push_back("upstreams[" + std::to_string(i) + "].tls.verify: false; " + u.address.text() +
                    "'s certificate is not checked, so anyone on the path can read and change "
                    "the traffic");
    }
  }
}

}  // namespace

std::vector<std::string> config_warnings(const BalancerConfig& c) {
  std::vector<std::string> out;
  upstream_warnings(c, out);
  if (!c.health.enabled) {
    out.push_back(
        "health_check: off; an upstream that goes down is noticed only by failing client "
        "requests (upstreams[].max_fails)");
  }
  admin_warnings(c, out);
  if (c.public_metrics) {
    out.push_back("public_metrics: true; every client of the main port can read " + c.admin_prefix +
                  "/metrics, with each upstream's address and state");
  }
  for (std::size_t i = 0; i < c.trusted_proxies.size(); ++i) {
    if (c.trusted_proxies[i].prefix != 0) continue;
    out.push_back("trusted_proxies[" + std::to_string(i) + "]: " + c.trusted_proxies[i].text() +
                  " trusts every peer, so any client can choose the address it is logged and "
                  "hashed as (X-Forwarded-For)");
  }
  return out;
}

}  // namespace conv::balancer
