#include "conv/balancer/health/health.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>

#include "conv/balancer/health/resolver.hpp"
#include "conv/http/async_probe.hpp"
#include "conv/log/logger.hpp"

namespace conv::balancer {

namespace net = boost::asio;
using boost::system::error_code;

HealthChecker::HealthChecker(net::io_context& ctx, const BalancerConfig& config,
                             UpstreamTable& upstreams, Selector& selector, Resolver& resolver,
                             Ticker* ticker)
    : ctx_(ctx),
      config_(config),
      upstreams_(upstreams),
      selector_(selector),
      resolver_(resolver),
      own_ticker_(ticker ? nullptr : std::make_unique<SteadyTicker>(ctx)),
      ticker_(ticker ? *ticker : *own_ticker_),
      passes_(UpstreamTable::kCapacity, 0),
      fails_(UpstreamTable::kCapacity, 0),
      busy_(UpstreamTable::kCapacity, false),
      epoch_(UpstreamTable::kCapacity, 0),
      alive_(std::make_shared<bool>(true)) {}

HealthChecker::~HealthChecker() {
  stop();
}

void HealthChecker::start() {
  sync_groups();
  selector_.refresh(ticker_.now());
  for (const auto& g : groups_) discover(g);
  tick();
}

void HealthChecker::reconfigure() {
  sync_groups();
  selector_.refresh(ticker_.now());
  for (const auto& g : groups_) {
    if (!g->busy && !g->resolved_once) discover(g);
  }
}

void HealthChecker::stop() {
  *alive_ = false;
  ticker_.cancel();
}

void HealthChecker::sync_groups() {
  std::vector<std::shared_ptr<Group>> next;
  for (const auto& c : config_.upstreams) {
    const auto names = slot_names(c);
    error_code ec;
    const auto ip = net::ip::make_address(c.address.host, ec);
    if (!ec && !c.resolve_all) {
      // An IP address needs no resolution and never changes.
      Upstream* u = upstreams_.find(names.front());
      if (u && !u->resolved()) u->set_endpoint({ip, c.address.port});
      continue;
    }
    const std::string key = names.front() + "/" + std::to_string(names.size());
    auto same = [&](const std::shared_ptr<Group>& g) { return g->key == key; };
    if (std::any_of(next.begin(), next.end(), same)) continue;  // listed twice
    const auto kept = std::find_if(groups_.begin(), groups_.end(), same);
    if (kept != groups_.end()) {
      next.push_back(*kept);
      continue;
    }
    auto g = std::make_shared<Group>();
    g->key = key;
    g->address = c.address;
    for (const auto& name : names) {
      if (Upstream* u = upstreams_.find(name)) {
        g->slots.push_back(u->index());
        g->resolved_once = g->resolved_once || u->resolved();  // max_addresses grew
      }
    }
    next.push_back(std::move(g));
  }
  for (const auto& old : groups_) {
    if (std::find(next.begin(), next.end(), old) != next.end()) continue;
    old->retired = true;
    for (std::size_t i : old->slots) {
      const bool still = std::any_of(next.begin(), next.end(), [i](const auto& g) {
        return std::find(g->slots.begin(), g->slots.end(), i) != g->slots.end();
      });
      if (!still && upstreams_[i].endpoint()) assign(i, std::nullopt, false);
    }
  }
  groups_ = std::move(next);
}

void HealthChecker::tick() {
  if (!*alive_) return;
  const auto now = ticker_.now();
  // Passive cool-downs end on their own: a short tick notices that promptly.
  selector_.refresh(now);
  if (now >= next_round_) {
    next_round_ = now + config_.health.interval;
    for (const auto& g : groups_) {
      if (!g->busy) discover(g);
    }
    for (std::size_t i = 0; i < upstreams_.size(); ++i) {
      const AdminState s = upstreams_[i].admin_state();
      if (busy_[i] || s == AdminState::disabled || s == AdminState::removed) continue;
      if (upstreams_[i].resolved() && config_.health.enabled) check(i);
    }
  }
  ticker_.wake_after(std::min(config_.health.interval, std::chrono::milliseconds(250)),
                     [this, alive = alive_] {
                       if (*alive) tick();
                     });
}

void HealthChecker::discover(const std::shared_ptr<Group>& group) {
  group->busy = true;
  resolver_.resolve(
      group->address.host, group->address.port,
      [this, group, alive = alive_](error_code ec, std::vector<net::ip::tcp::endpoint> resolved) {
        if (!*alive) return;
        group->busy = false;
        if (group->retired) return;  // a reload dropped its entry meanwhile
        if (ec && ec != net::error::host_not_found) {
          // A DNS hiccup (timeout, SERVFAIL) says nothing about the replicas: keep them.
          log::warn() << "upstream " << group->address.text() << " does not resolve now ("
                      << ec.message() << "); keeping its addresses";
          return;
        }
        // No such name (a service scaled to zero): no addresses, every slot leaves.
        apply_discovery(*group, resolved);
      });
}

void HealthChecker::assign(std::size_t i, const std::optional<net::ip::tcp::endpoint>& ep,
                           bool later) {
  Upstream& u = upstreams_[i];
  const auto before = u.endpoint();
  ++epoch_[i];
  passes_[i] = 0;
  fails_[i] = 0;
  // A new replica may still be starting: with active checks on, it waits for a pass. One that
  // joins after the first discovery is a new instance: slow start ramps it up.
  u.assign(ep, !config_.health.enabled);
  if (ep && later) u.ramp_up_on_join();
  if (before) log::info() << "upstream " << u.name() << " (" << *before << ") is gone";
  if (ep) {
    log::info() << "upstream " << u.name() << " discovered at " << *ep
                << (config_.health.enabled ? " (joins when a health check passes)" : "");
  }
}

void HealthChecker::apply_discovery(Group& group,
                                    const std::vector<net::ip::tcp::endpoint>& resolved) {
  std::vector<std::optional<net::ip::tcp::endpoint>> current;
  for (std::size_t i : group.slots) current.push_back(upstreams_[i].endpoint());
  const SlotPlan plan = plan_slots(current, resolved);
  bool changed = false;
  for (std::size_t k = 0; k < group.slots.size(); ++k) {
    if (plan.slots[k] == current[k]) continue;
    const std::size_t i = group.slots[k];
    changed = true;
    assign(i, plan.slots[k], group.resolved_once);
    const AdminState s = upstreams_[i].admin_state();
    if (plan.slots[k] && config_.health.enabled && !busy_[i] && s != AdminState::disabled &&
        s != AdminState::removed) {
      check(i);
    }
  }
  group.resolved_once = true;
  if (plan.left_out != group.left_out) {
    group.left_out = plan.left_out;
    if (plan.left_out > 0) {
      log::warn() << "upstream " << group.address.text() << ": " << plan.left_out
                  << " address(es) beyond max_addresses (" << group.slots.size()
                  << ") are not used";
    }
  }
  if (changed) selector_.refresh(ticker_.now());
}

void HealthChecker::check(std::size_t i) {
  Upstream& u = upstreams_[i];
  const auto ep = u.endpoint();
  if (!ep) return;
  busy_[i] = true;
  http::async_probe(
      ctx_, {*ep}, {config_.health.path, u.config().address.text(), "conv-health-check", u.tls()},
      config_.health.timeout, [this, i, epoch = epoch_[i], alive = alive_](http::ProbeResult r) {
        if (!*alive) return;
        busy_[i] = false;
        if (epoch != epoch_[i]) return;  // it probed a former address
        upstreams_[i].count_check(r.ok(), r.status ? std::string_view("status") : r.reason);
        verdict(i, r.ok(), r.status ? "status " + std::to_string(r.status) : r.error);
      });
}

void HealthChecker::verdict(std::size_t i, bool pass, const std::string& why) {
  Upstream& u = upstreams_[i];
  u.set_last_check((pass ? "pass: " : "fail: ") + why);
  if (pass) {
    fails_[i] = 0;
    if (++passes_[i] >= config_.health.passes && !u.checked_healthy()) {
      log::info() << "upstream " << u.name() << " is up (health check passed)";
    }
    if (passes_[i] >= config_.health.passes) u.set_checked_healthy(true);
  } else {
    passes_[i] = 0;
    if (++fails_[i] >= config_.health.fails && u.checked_healthy()) {
      u.set_checked_healthy(false);
      log::warn() << "upstream " << u.name() << " is down (health check: " << why << ")";
    }
  }
  selector_.refresh(ticker_.now());
}

}  // namespace conv::balancer
