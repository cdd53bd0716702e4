#include "conv/balancer/proxy/trusted_proxies.hpp"

#include <charconv>

namespace conv::balancer {

namespace {

namespace ip = boost::asio::ip;

// The address as bytes (4 or 16) with `prefix` leading bits kept and the rest cleared.
template <typename Bytes>
Bytes masked(Bytes bytes, unsigned prefix) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix >= first_bit + 8) continue;
    const unsigned keep = prefix > first_bit ? prefix - first_bit : 0;
    bytes[i] &= static_cast<unsigned char>(0xff00u >> keep);
  }
  return bytes;
}

bool in_block(const ip::address& a, const Cidr& block) {
  if (a.is_v4() && block.network.is_v4()) {
    return masked(a.to_v4().to_bytes(), block.prefix) == block.network.to_v4().to_bytes();
  }
  if (a.is_v6() && block.network.is_v6()) {
    return masked(a.to_v6().to_bytes(), block.prefix) == block.network.to_v6().to_bytes();
  }
  return false;
}

}  // namespace

std::string Cidr::text() const {
  return network.to_string() + "/" + std::to_string(prefix);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
  if (ec) return std::nullopt;
  const unsigned bits = address.is_v4() ? 32 : 128;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || perr != std::errc() || end != digits.data() + digits.size() ||
        prefix > bits) {
      return std::nullopt;
    }
  }
  const Cidr block{address, prefix};
  if (!in_block(address, block)) return std::nullopt;  // host bits set: "10.0.0.1/8"
  return block;
}

bool TrustedProxies::contains(const ip::address& peer) const {
  if (blocks_.empty()) return false;
  ip::address a = peer;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  for (const auto& block : blocks_) {
    if (in_block(a, block)) return true;
  }
  return false;
}

}  // namespace conv::balancer
