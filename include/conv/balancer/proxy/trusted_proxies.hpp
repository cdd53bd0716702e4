#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conv::balancer {

// An address block: "10.0.0.0/8", "fd00::/8", or one address ("192.0.2.7", "::1").
struct Cidr {
  boost::asio::ip::address network;  // with the host bits cleared
  unsigned prefix = 0;               // leading bits that must match
  std::string text() const;
  bool operator==(const Cidr&) const = default;
};

// Nothing if `text` is not an address or block (host bits set are refused, as a typo).
std::optional<Cidr> parse_cidr(std::string_view text);

// The peers whose X-Forwarded-For, Forwarded and X-Real-IP the balancer believes
// (`trusted_proxies`). From any other peer those headers are a client's claims about itself:
// X-Forwarded-For is replaced by the peer's address, the other two are dropped. An IPv4 peer
// seen on an IPv6 listener (::ffff:a.b.c.d) matches IPv4 blocks.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> blocks) : blocks_(std::move(blocks)) {}
  bool contains(const boost::asio::ip::address& peer) const;
  bool empty() const { return blocks_.empty(); }

 private:
  std::vector<Cidr> blocks_;
};

}  // namespace conv::balancer
