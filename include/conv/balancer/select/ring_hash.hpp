#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// Consistent hashing for the `hash` policy: a ring of points, each upstream owning a number of
// points proportional to its weight, placed by hashing its name. A key goes to the owner of
// the first point at or after the key's hash. The points of an upstream do not depend on the
// others, so when one leaves only its own keys move (to the next points' owners), and when
// one joins it takes keys only from the others' share, about 1/N of them.

// 64-bit FNV-1a, then a finaliser that spreads nearby inputs over the whole range.
std::uint64_t hash64(std::string_view bytes, std::uint64_t seed = 0);

struct RingPoint {
  std::uint64_t hash;
  std::uint32_t upstream;  // index into the UpstreamTable
  bool operator<(const RingPoint& o) const { return hash < o.hash; }
};

struct RingMember {
  std::string_view name;
  std::size_t upstream;
  unsigned weight;  // points = weight * kPointsPerWeight
};

inline constexpr unsigned kRingPointsPerWeight = 16;

// The sorted ring of `members`' points.
std::vector<RingPoint> build_ring(const std::vector<RingMember>& members);

// Index of the first point at or after `hash` (wrapping to 0). The ring must not be empty.
std::size_t ring_position(const std::vector<RingPoint>& ring, std::uint64_t hash);

// The key's hash for a request: the header's value, the cookie's value or the client
// address. Nothing if the request has no such header or cookie.
std::optional<std::uint64_t> request_key_hash(const HashKey& key,
                                              const http::RequestHeader& request,
                                              std::string_view client_address);

}  // namespace conv::balancer
