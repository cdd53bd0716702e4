#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <optional>
#include <vector>

namespace conv::balancer {

using Endpoint = boost::asio::ip::tcp::endpoint;

// Where the addresses of one name go, among the fixed slots of a "resolve": "all" upstream.
struct SlotPlan {
  std::vector<std::optional<Endpoint>> slots;  // what each slot holds after this resolution
  std::size_t left_out = 0;                    // resolved addresses with no free slot
};

// Discovery without I/O. An address still resolved keeps its slot (its health and rotation
// place with it); a slot whose address is gone is freed; new addresses, in ascending order
// (DNS answers come in rotating order), take the free slots from the lowest. Duplicates in
// `resolved` count once.
SlotPlan plan_slots(const std::vector<std::optional<Endpoint>>& current,
                    std::vector<Endpoint> resolved);

}  // namespace conv::balancer
