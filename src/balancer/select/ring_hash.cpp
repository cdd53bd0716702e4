#include "conv/balancer/select/ring_hash.hpp"

#include <algorithm>

#include "conv/balancer/select/policy.hpp"

namespace conv::balancer {

std::uint64_t hash64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  // splitmix64's finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::vector<RingPoint> build_ring(const std::vector<RingMember>& members) {
  std::vector<RingPoint> ring;
  for (const auto& m : members) {
    const unsigned points = m.weight * kRingPointsPerWeight;
    for (unsigned p = 0; p < points; ++p) {
      ring.push_back({hash64(m.name, p + 1), static_cast<std::uint32_t>(m.upstream)});
    }
  }
  std::sort(ring.begin(), ring.end());
  return ring;
}

std::size_t ring_position(const std::vector<RingPoint>& ring, std::uint64_t hash) {
  const auto it = std::lower_bound(ring.begin(), ring.end(), RingPoint{hash, 0});
  return it == ring.end() ? 0 : static_cast<std::size_t>(it - ring.begin());
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> find_cookie(const http::RequestHeader& request,
                                            std::string_view name) {
  const auto range = request.equal_range(boost::beast::http::field::cookie);
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view list = it->value();
    while (!list.empty()) {
      const auto semi = list.find(';');
      const std::string_view pair = trim(list.substr(0, semi));
      list = semi == std::string_view::npos ? std::string_view() : list.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
        return trim(pair.substr(eq + 1));
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> request_key_hash(const HashKey& key,
                                              const http::RequestHeader& request,
                                              std::string_view client_address) {
  switch (key.kind) {
    case HashKey::client_address:
      return hash64(client_address);
    case HashKey::header: {
      const auto it = request.find(key.name);
      if (it == request.end()) return std::nullopt;
      return hash64(it->value());
    }
    case HashKey::cookie: {
      const auto value = find_cookie(request, key.name);
      if (!value || value->empty()) return std::nullopt;
      return hash64(*value);
    }
  }
  return std::nullopt;
}

namespace {

// Consistent hashing of the request's key: the owner of the first ring point at or after the
// key's hash, or the next owners round the ring if it cannot take the request. A request
// without the key goes round-robin.
class RingHash final : public Policy {
 public:
  Upstream* pick(const PickContext& c) const override {
    const auto& ring = c.round.ring;
    const std::optional<std::uint64_t> hash =
        c.key.request ? request_key_hash(c.round.policy.key, *c.key.request, c.key.client_address)
                      : std::nullopt;
    if (!hash || ring.empty()) return pick_round_robin(c);
    const std::size_t n = ring.size();
    const std::size_t start = ring_position(ring, *hash);
    for (std::size_t k = 0; k < n; ++k) {
      Upstream& u = c.table[ring[(start + k) % n].upstream];
      if (c.take(u)) return &u;
    }
    return nullptr;
  }
};

}  // namespace

const Policy& ring_hash_policy() {
  static const RingHash policy;
  return policy;
}

}  // namespace conv::balancer
