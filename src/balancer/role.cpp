#include "conv/balancer/role.hpp"

#include <system_error>

#include "conv/balancer/admin/admin.hpp"
#include "conv/balancer/admin/metrics_handler.hpp"
#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/balancer/admin/sampler.hpp"
#include "conv/balancer/cluster.hpp"
#include "conv/balancer/handler.hpp"
#include "conv/balancer/health/health.hpp"
#include "conv/balancer/model/config_warnings.hpp"
#include "conv/http/runner.hpp"
#include "conv/http/server.hpp"
#include "conv/http/tls_edge.hpp"
#include "conv/log/logger.hpp"

namespace conv::balancer {

namespace {

// The admin and metrics listeners: more Servers of the shared HTTP core, each with one thread
// of its own, so that they answer while the workers are saturated and never add work to
// their threads.
http::ServerOptions side_options(const HostPort& where, const BalancerConfig& config) {
  http::ServerOptions o;
  o.host = where.host;
  o.port = where.port;
  o.header_timeout = config.server.header_timeout;  // a silent connection goes as soon
  o.threads = 1;
  o.max_connections = 64;
  o.max_body_bytes = 64 * 1024;
  o.drain_timeout = std::chrono::milliseconds(0);
  return o;
}

// HTTPS for clients, if the configuration has a certificate: attached to `server` before it
// binds. Null with `failed` set if the certificates do not load (said in the event log).
std::unique_ptr<http::TlsEdge> make_edge(const BalancerConfig& config, http::Server& server,
                                         http::AccessLog& access_log, bool& failed) {
  failed = false;
  if (!config.tls.enabled()) return nullptr;
  try {
    auto edge = std::make_unique<http::TlsEdge>(config.tls, config.server, access_log,
                                                http::ResponseIdentity{config.name});
    edge->attach(server);
    return edge;
  } catch (const tls::TlsError& e) {
    log::error() << "TLS: " << e.what();
    failed = true;
    return nullptr;
  }
}

}  // namespace

int run_balancer(const BalancerConfig& initial, ConfigLoader load) {
  BalancerConfig config = initial;  // what runs now; reloads change it on the control thread
  AdminAccess access;
  try {
    access = load_admin_access(config);
  } catch (const ConfigError& e) {
    log::error() << "bad config: " << e.what();
    return 2;
  }
  const auto access_log = http::open_access_log(config.access_log, config.logging.format);
  if (!access_log) return 2;
  http::Metrics metrics("conv_http", BalancerHandler::route_names());
  UpstreamCluster cluster(config);
  BalancerHandler handler(config, cluster, metrics, *access_log);
  int rc = 0;
  {
    http::Server server(config.server, handler, metrics, *access_log, {config.name});
    bool tls_failed = false;
    const auto edge = make_edge(config, server, *access_log, tls_failed);
    if (tls_failed) return 2;
    if (!http::bind_server(server) || (edge && !edge->bind())) return 1;

    boost::asio::io_context control;
    DnsResolver dns(control);
    HealthChecker health(control, config, cluster.upstreams(), cluster.selector(), dns);
    StatsSampler sampler(control, cluster.upstreams(), cluster.pools());
    ReloadStats reloads;
    ConfigView shown_config;
    shown_config.update(config);
    Reloader reloader(config, std::move(load), cluster, health, reloads);
    if (edge) reloader.set_tls(&edge->termination());
    reloader.set_view(&shown_config);

    const auto admin_log = http::AccessLog::open("off");
    http::Metrics admin_metrics("conv_admin_http", AdminHandler::route_names());
    const MetricsSources shown{cluster, metrics, *access_log,
                               edge ? &edge->termination() : nullptr};
    AdminHandler admin(
        cluster, shown, sampler, reloads, shown_config, control, [&] { return reloader.reload(); },
        std::move(access));
    std::unique_ptr<http::Server> admin_server;
    if (config.admin) {
      admin_server =
          std::make_unique<http::Server>(side_options(*config.admin, config), admin, admin_metrics,
                                         *admin_log, http::ResponseIdentity{config.name});
      if (!http::bind_server(*admin_server, "admin")) {
        if (config.admin_explicit) return 1;
        log::warn() << "admin API not started: the default address " << config.admin->text()
                    << " is taken (choose one with --admin HOST:PORT or \"admin\", or turn it off)";
        admin_server.reset();
      }
    }

    http::Metrics scrape_metrics("conv_metrics_http", MetricsHandler::route_names());
    MetricsHandler scrape(shown, reloads);
    std::unique_ptr<http::Server> metrics_server;
    if (config.metrics) {
      metrics_server = std::make_unique<http::Server>(side_options(*config.metrics, config), scrape,
                                                      scrape_metrics, *admin_log,
                                                      http::ResponseIdentity{config.name});
      if (!http::bind_server(*metrics_server, "metrics")) return 1;
    }

    {
      auto line = log::info();
      line << http::listening_line(server) << " (name " << config.name << ", "
           << config.server.threads << " thread(s), " << to_string(config.policy.kind) << " over "
           << config.upstreams.size() << " upstream(s):";
      for (const auto& u : config.upstreams) line << " " << u.address.text();
      line << ")";
    }
    for (const auto& w : config_warnings(config)) log::warn() << w;
    if (admin_server) {
      // Not "listening on": scripts read the main port from that line.
      const auto ep = admin_server->local_endpoint();
      log::info() << "admin API on " << ep.address().to_string() << ":" << ep.port();
    }
    if (metrics_server) {
      const auto ep = metrics_server->local_endpoint();
      log::info() << "metrics on " << ep.address().to_string() << ":" << ep.port();
    }
    if (edge) {
      log::info() << edge->describe(server);
      edge->start();
    }

    health.start();
    sampler.start();
    if (admin_server) admin_server->start();
    if (metrics_server) metrics_server->start();
    http::SignalHooks hooks;
    hooks.reload = [&] { reloader.reload(); };
    hooks.reopen_logs = [&] { access_log->reopen(); };
    hooks.draining = [&] { cluster.set_draining(); };
    hooks.worker_draining = [&] { cluster.pools().drain_local(); };
    rc = http::run_until_stopped(server, control, config.server.drain_timeout, hooks);
    if (edge) edge->stop();
    health.stop();
    sampler.stop();
    if (metrics_server) {
      metrics_server->stop();
      metrics_server->wait();
    }
    if (admin_server) {
      admin.stop();
      admin_server->stop();
      admin_server->wait();
      // Reload requests the admin thread queued meanwhile are dropped now, while the admin
      // server's io_context (their connections') still exists.
      control.restart();
      control.poll();
    }
    cluster.close_pools();  // before the server's io_contexts go
  }
  access_log->flush();
  return rc;
}

}  // namespace conv::balancer
