#include "conv/balancer/role.hpp"

#include <iostream>
#include <system_error>

#include "conv/balancer/handler.hpp"
#include "conv/balancer/health.hpp"
#include "conv/http/runner.hpp"
#include "conv/http/server.hpp"

namespace conv::balancer {

int run_balancer(const BalancerConfig& config) {
  const std::string role = "conv balancer";
  const auto log = http::open_access_log(role, config.access_log);
  if (!log) return 2;
  http::Metrics metrics("conv_http", BalancerHandler::route_names());
  BalancerHandler handler(config, metrics, *log);
  int rc = 0;
  {
    http::Server server(config.server, handler, metrics, *log, {config.name});
    if (!http::bind_server(server, role)) return 1;
    std::cerr << http::listening_line(server, role) << " (name " << config.name << ", "
              << config.server.threads << " thread(s), " << config.upstreams.size()
              << " upstream(s):";
    for (const auto& u : config.upstreams) std::cerr << " " << u.address.text();
    std::cerr << ")\n";

    boost::asio::io_context control;
    HealthChecker health(control, config, handler.upstreams(), handler.round_robin());
    health.start();
    http::SignalHooks hooks;
    hooks.reload = [&] {
      std::cerr << role
                << ": SIGHUP: configuration reload is not supported yet; restart to "
                   "apply a changed file\n";
    };
    hooks.reopen_logs = [&] { log->reopen(); };
    hooks.draining = [&] { handler.set_draining(); };
    rc = http::run_until_stopped(server, control, config.server.drain_timeout, role, hooks);
    health.stop();
    handler.close_pools();  // before the server's io_contexts go
  }
  log->flush();
  return rc;
}

}  // namespace conv::balancer
