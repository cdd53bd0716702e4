#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace conv::balancer {

// How the HealthChecker turns an upstream's name into addresses: the one seam between its
// discovery and the outside world, so that tests can answer with addresses of their choosing
// (and change them) instead of depending on the system resolver.
class Resolver {
 public:
  // `ec`: none with the addresses; boost::asio::error::host_not_found when the name does not
  // exist (the checker empties its slots); anything else is a passing failure (it keeps them).
  using Done = std::function<void(boost::system::error_code ec,
                                  std::vector<boost::asio::ip::tcp::endpoint> addresses)>;

  virtual ~Resolver() = default;
  // Calls `done` exactly once, from the checker's io_context and never from within this call:
  // the checker marks the resolution under way before it starts one and clears that in `done`.
  virtual void resolve(const std::string& host, std::uint16_t port, Done done) = 0;
};

// The system resolver (getaddrinfo on asio's resolver thread), what the balancer uses.
class DnsResolver : public Resolver {
 public:
  explicit DnsResolver(boost::asio::io_context& ctx) : ctx_(ctx) {}
  void resolve(const std::string& host, std::uint16_t port, Done done) override;

 private:
  boost::asio::io_context& ctx_;
};

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
