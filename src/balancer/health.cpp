#include "conv/balancer/health.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <iostream>

#include "conv/balancer/discovery.hpp"

namespace conv::balancer {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

// One health check: connect, send the request, read the status line and headers.
struct HealthChecker::Probe : std::enable_shared_from_this<Probe> {
  Probe(net::io_context& ctx, std::chrono::milliseconds timeout) : socket(ctx), timer(ctx) {
    timer.expires_after(timeout);
  }
  net::ip::tcp::socket socket;
  net::steady_timer timer;
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  std::string request;
  bool timed_out = false;
};

HealthChecker::HealthChecker(net::io_context& ctx, const BalancerConfig& config,
                             std::vector<std::unique_ptr<Upstream>>& upstreams,
                             RoundRobin& round_robin)
    : ctx_(ctx),
      config_(config),
      upstreams_(upstreams),
      round_robin_(round_robin),
      timer_(ctx),
      passes_(upstreams.size(), 0),
      fails_(upstreams.size(), 0),
      busy_(upstreams.size(), false),
      epoch_(upstreams.size(), 0),
      groups_(config.upstreams.size()),
      alive_(std::make_shared<bool>(true)) {
  // Names are discovered (an IP address needs no resolution and never changes).
  for (const auto& u : upstreams_) {
    error_code ec;
    net::ip::make_address(u->config().address.host, ec);
    if (ec) groups_[u->group()].slots.push_back(u->index());
  }
}

HealthChecker::~HealthChecker() {
  stop();
}

void HealthChecker::start() {
  for (auto& u : upstreams_) {
    error_code ec;
    const auto ip = net::ip::make_address(u->config().address.host, ec);
    if (!ec) u->set_endpoint({ip, u->config().address.port});
  }
  round_robin_.refresh(std::chrono::steady_clock::now());
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (!groups_[g].slots.empty()) discover(g);
  }
  tick();
}

void HealthChecker::stop() {
  *alive_ = false;
  timer_.cancel();
}

void HealthChecker::tick() {
  if (!*alive_) return;
  const auto now = std::chrono::steady_clock::now();
  // Passive cool-downs end on their own: a short tick notices that promptly.
  round_robin_.refresh(now);
  if (now >= next_round_) {
    next_round_ = now + config_.health.interval;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      if (!groups_[g].slots.empty() && !groups_[g].busy) discover(g);
    }
    for (std::size_t i = 0; i < upstreams_.size(); ++i) {
      if (!busy_[i] && upstreams_[i]->resolved() && config_.health.enabled) check(i);
    }
  }
  timer_.expires_after(std::min(config_.health.interval, std::chrono::milliseconds(250)));
  timer_.async_wait([this, alive = alive_](error_code ec) {
    if (!ec && *alive) tick();
  });
}

void HealthChecker::discover(std::size_t g) {
  const auto& addr = upstreams_[groups_[g].slots.front()]->config().address;
  groups_[g].busy = true;
  auto resolver = std::make_shared<net::ip::tcp::resolver>(ctx_);
  resolver->async_resolve(addr.host, std::to_string(addr.port),
                          [this, g, resolver, alive = alive_](
                              error_code ec, net::ip::tcp::resolver::results_type results) {
                            if (!*alive) return;
                            groups_[g].busy = false;
                            const Upstream& first = *upstreams_[groups_[g].slots.front()];
                            if (ec && ec != net::error::host_not_found) {
                              // A DNS hiccup (timeout, SERVFAIL) says nothing about the replicas:
                              // keep them.
                              std::cerr << "conv balancer: upstream "
                                        << first.config().address.text()
                                        << " does not resolve now (" << ec.message()
                                        << "); keeping its addresses\n";
                              return;
                            }
                            // No such name (a service scaled to zero): no addresses, every slot
                            // leaves.
                            std::vector<net::ip::tcp::endpoint> resolved;
                            for (const auto& r : results) resolved.push_back(r.endpoint());
                            apply_discovery(g, resolved);
                          });
}

void HealthChecker::apply_discovery(std::size_t g,
                                    const std::vector<net::ip::tcp::endpoint>& resolved) {
  Group& group = groups_[g];
  std::vector<std::optional<net::ip::tcp::endpoint>> current;
  for (std::size_t i : group.slots) current.push_back(upstreams_[i]->endpoint());
  const SlotPlan plan = plan_slots(current, resolved);
  bool changed = false;
  for (std::size_t k = 0; k < group.slots.size(); ++k) {
    if (plan.slots[k] == current[k]) continue;
    const std::size_t i = group.slots[k];
    Upstream& u = *upstreams_[i];
    changed = true;
    ++epoch_[i];
    passes_[i] = 0;
    fails_[i] = 0;
    // A new replica may still be starting: with active checks on, it waits for a pass.
    u.assign(plan.slots[k], !config_.health.enabled);
    if (current[k])
      std::cerr << "conv balancer: upstream " << u.name() << " (" << *current[k] << ") is gone\n";
    if (plan.slots[k]) {
      std::cerr << "conv balancer: upstream " << u.name() << " discovered at " << *plan.slots[k]
                << (config_.health.enabled ? " (joins when a health check passes)" : "") << "\n";
      if (config_.health.enabled && !busy_[i]) check(i);
    }
  }
  if (plan.left_out != group.left_out) {
    group.left_out = plan.left_out;
    if (plan.left_out > 0) {
      std::cerr << "conv balancer: upstream "
                << upstreams_[group.slots.front()]->config().address.text() << ": " << plan.left_out
                << " address(es) beyond max_addresses (" << group.slots.size()
                << ") are not used\n";
    }
  }
  if (changed) round_robin_.refresh(std::chrono::steady_clock::now());
}

void HealthChecker::check(std::size_t i) {
  Upstream& u = *upstreams_[i];
  const auto ep = u.endpoint();
  if (!ep) return;
  busy_[i] = true;
  auto probe = std::make_shared<Probe>(ctx_, config_.health.timeout);
  probe->request = "GET " + config_.health.path +
                   " HTTP/1.1\r\nHost: " + u.config().address.text() +
                   "\r\nUser-Agent: conv-health-check\r\nConnection: close\r\n\r\n";
  probe->parser.skip(true);
  auto done = [this, i, probe, epoch = epoch_[i], alive = alive_](bool pass, std::string why) {
    if (!*alive) return;
    probe->timer.cancel();
    error_code ignored;
    probe->socket.close(ignored);
    busy_[i] = false;
    if (epoch == epoch_[i]) verdict(i, pass, why);  // else: it probed a former address
  };
  probe->timer.async_wait([probe](error_code ec) {
    if (ec) return;
    probe->timed_out = true;
    error_code ignored;
    probe->socket.close(ignored);
  });
  probe->socket.async_connect(*ep, [probe, done](error_code ec) {
    if (ec) {
      done(false, probe->timed_out ? "timed out" : "connect: " + ec.message());
      return;
    }
    net::async_write(
        probe->socket, net::buffer(probe->request), [probe, done](error_code wec, std::size_t) {
          if (wec) {
            done(false, probe->timed_out ? "timed out" : "send: " + wec.message());
            return;
          }
          bhttp::async_read_header(
              probe->socket, probe->buffer, probe->parser,
              [probe, done](error_code rec, std::size_t) {
                if (rec) {
                  done(false, probe->timed_out ? "timed out" : "read: " + rec.message());
                  return;
                }
                const unsigned status = probe->parser.get().result_int();
                done(status >= 200 && status < 300, "status " + std::to_string(status));
              });
        });
  });
}

void HealthChecker::verdict(std::size_t i, bool pass, const std::string& why) {
  Upstream& u = *upstreams_[i];
  if (pass) {
    fails_[i] = 0;
    if (++passes_[i] >= config_.health.passes && !u.checked_healthy()) {
      std::cerr << "conv balancer: upstream " << u.name() << " is up (health check passed)\n";
    }
    if (passes_[i] >= config_.health.passes) u.set_checked_healthy(true);
  } else {
    passes_[i] = 0;
    if (++fails_[i] >= config_.health.fails && u.checked_healthy()) {
      u.set_checked_healthy(false);
      std::cerr << "conv balancer: upstream " << u.name() << " is down (health check: " << why
                << ")\n";
    }
  }
  round_robin_.refresh(std::chrono::steady_clock::now());
}

}  // namespace conv::balancer
