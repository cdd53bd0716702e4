#include "conv/balancer/health.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <iostream>

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
                             UpstreamTable& upstreams, Selector& selector)
    : ctx_(ctx),
      config_(config),
      upstreams_(upstreams),
      selector_(selector),
      timer_(ctx),
      passes_(UpstreamTable::kCapacity, 0),
      fails_(UpstreamTable::kCapacity, 0),
      busy_(UpstreamTable::kCapacity, false),
      alive_(std::make_shared<bool>(true)) {}

HealthChecker::~HealthChecker() {
  stop();
}

void HealthChecker::start() {
  for (std::size_t i = 0; i < upstreams_.size(); ++i) resolve(i);
  tick();
}

void HealthChecker::added(std::size_t i) {
  if (!busy_[i] && !upstreams_[i].resolved()) resolve(i);
}

void HealthChecker::stop() {
  *alive_ = false;
  timer_.cancel();
}

void HealthChecker::tick() {
  if (!*alive_) return;
  const auto now = std::chrono::steady_clock::now();
  // Passive cool-downs end on their own: a short tick notices that promptly.
  selector_.refresh(now);
  if (now >= next_round_) {
    next_round_ = now + config_.health.interval;
    for (std::size_t i = 0; i < upstreams_.size(); ++i) {
      const AdminState s = upstreams_[i].admin_state();
      if (busy_[i] || s == AdminState::disabled || s == AdminState::removed) continue;
      if (!upstreams_[i].resolved()) {
        resolve(i);
      } else if (config_.health.enabled) {
        check(i);
      }
    }
  }
  timer_.expires_after(std::min(config_.health.interval, std::chrono::milliseconds(250)));
  timer_.async_wait([this, alive = alive_](error_code ec) {
    if (!ec && *alive) tick();
  });
}

void HealthChecker::resolve(std::size_t i) {
  Upstream& u = upstreams_[i];
  const auto& addr = u.config().address;
  error_code ec;
  const auto ip = net::ip::make_address(addr.host, ec);
  if (!ec) {
    u.set_endpoint({ip, addr.port});
    selector_.refresh(std::chrono::steady_clock::now());
    return;
  }
  busy_[i] = true;
  auto resolver = std::make_shared<net::ip::tcp::resolver>(ctx_);
  resolver->async_resolve(addr.host, std::to_string(addr.port),
                          [this, i, resolver, alive = alive_](
                              error_code rec, net::ip::tcp::resolver::results_type results) {
                            if (!*alive) return;
                            busy_[i] = false;
                            Upstream& up = upstreams_[i];
                            if (rec || results.empty()) {
                              std::cerr << "conv balancer: upstream " << up.name()
                                        << " does not resolve ("
                                        << (rec ? rec.message() : "no address")
                                        << "); it stays down\n";
                              return;
                            }
                            up.set_endpoint(results.begin()->endpoint());
                            std::cerr << "conv balancer: upstream " << up.name() << " resolved to "
                                      << results.begin()->endpoint() << "\n";
                            selector_.refresh(std::chrono::steady_clock::now());
                          });
}

void HealthChecker::check(std::size_t i) {
  Upstream& u = upstreams_[i];
  const auto ep = u.endpoint();
  if (!ep) return;
  busy_[i] = true;
  auto probe = std::make_shared<Probe>(ctx_, config_.health.timeout);
  probe->request = "GET " + config_.health.path + " HTTP/1.1\r\nHost: " + u.name() +
                   "\r\nUser-Agent: conv-health-check\r\nConnection: close\r\n\r\n";
  probe->parser.skip(true);
  auto done = [this, i, probe, alive = alive_](bool pass, std::string why) {
    if (!*alive) return;
    probe->timer.cancel();
    error_code ignored;
    probe->socket.close(ignored);
    busy_[i] = false;
    verdict(i, pass, why);
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
  Upstream& u = upstreams_[i];
  u.set_last_check((pass ? "pass: " : "fail: ") + why);
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
  selector_.refresh(std::chrono::steady_clock::now());
}

}  // namespace conv::balancer
