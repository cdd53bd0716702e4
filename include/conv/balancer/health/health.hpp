#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv/balancer/health/resolver.hpp"
#include "conv/balancer/health/ticker.hpp"
#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/select/selector.hpp"

namespace conv::balancer {

// Runs on the control thread's io_context, never on the request path:
//  - discovery: resolves upstream names through `resolver` (DnsResolver in the balancer, a fake
//    in tests; it must outlive the checker), again every interval, and gives each address a
//    slot (plan_slots: one slot for "resolve": "first", max_addresses for "all");
//    a new address joins once a health check passes (at once when checks are off), one the
//    name no longer has leaves the rotation; a name that does not resolve yet is down. An IP
//    address ("first") is set at once and never changes;
//  - active checks, per upstream (each slot on its own): GET <path> every interval (over TLS,
//    with the upstream's own TLS context, for an upstream with "tls"); `fails`
//    consecutive failures mark an upstream down, `passes` consecutive passes bring it back (a
//    pass also ends a passive cool-down);
//  - refreshes the selector when availability changed (passive cool-downs and ejections end,
//    slow start ramps).
// Disabled and removed upstreams are not checked. `config` is read on every tick, so a reload
// (on the same thread) takes effect at the next one; reconfigure() follows its upstream
// entries. Logs every state change on stderr.
class HealthChecker {
 public:
  // `ticker`: the clock and the wake-ups of its rounds (it must outlive the checker); none: the
  // steady clock.
  HealthChecker(boost::asio::io_context& ctx, const BalancerConfig& config,
                UpstreamTable& upstreams, Selector& selector, Resolver& resolver,
                Ticker* ticker = nullptr);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void start();
  void stop();
  // The config's upstream entries changed (a reload; the table already holds them): new names
  // are discovered now rather than at the next interval, new IP addresses are set, and the
  // slots of names gone from the config are emptied (a return starts from a fresh discovery).
  void reconfigure();

 private:
  // A config entry with a name (or "resolve": "all"): its slots, by upstream index.
  struct Group {
    std::string key;  // its first slot's name and slot count: the same entry across reloads
    HostPort address;
    std::vector<std::size_t> slots;
    bool busy = false;           // a resolution is under way
    bool retired = false;        // gone from the config: a resolution under way is ignored
    bool resolved_once = false;  // later addresses are new instances (slow start applies)
    std::size_t left_out = 0;    // last count of addresses beyond the slots (logged on change)
  };
  void sync_groups();
  void tick();
  void check(std::size_t i);
  void discover(const std::shared_ptr<Group>& group);
  void apply_discovery(Group& group, const std::vector<boost::asio::ip::tcp::endpoint>& resolved);
  void assign(std::size_t i, const std::optional<boost::asio::ip::tcp::endpoint>& ep, bool later);
  void verdict(std::size_t i, bool pass, const std::string& why);

  boost::asio::io_context& ctx_;
  const BalancerConfig& config_;
  UpstreamTable& upstreams_;
  Selector& selector_;
  Resolver& resolver_;
  std::unique_ptr<Ticker> own_ticker_;  // when none was given
  Ticker& ticker_;
  Ticker::TimePoint next_round_{};
  // By upstream index, for every index the table can hold.
  std::vector<unsigned> passes_;
  std::vector<unsigned> fails_;
  std::vector<bool> busy_;  // a probe is under way
  // Bumped when discovery changes an upstream's address: a probe of the old one is ignored.
  std::vector<std::uint64_t> epoch_;
  std::vector<std::shared_ptr<Group>> groups_;  // of the current config's entries
  std::shared_ptr<bool> alive_;
};

}  // namespace conv::balancer
