#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "conv/balancer/admin/config_view.hpp"
#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/balancer/cluster.hpp"
#include "conv/balancer/health/health.hpp"
#include "conv/balancer/model/config.hpp"
#include "conv/tls/termination.hpp"

namespace conv::balancer {

// Reads the configuration again (the file, with the command line's overrides). Throws
// ConfigError.
using ConfigLoader = std::function<BalancerConfig()>;

// Applies a re-read configuration to the running balancer, on the control thread (SIGHUP, or
// POST /reload on the admin port, which posts there):
//   - upstreams new to the file are added (resolved and checked at once), those gone from it
//     are marked removed (no new requests; those in flight finish), those kept get their new
//     weight, max_fails, fail_timeout and max_conns; a drain or disable set through the admin
//     API stays. An entry's upstreams are its slots (slot_names): a name's "resolve" or
//     max_addresses changing adds and removes slots accordingly, and the slots of a name gone
//     from the file lose their addresses (discovered afresh if it comes back);
//   - connect, response and retry timeouts, tries, the retry budget, outlier detection, the
//     policy and slow start, and health-check settings take effect for the next request or
//     check;
//   - what a running server cannot change (listen address, threads, client limits and
//     timeouts, access log, name, admin address and prefix, pool sizes: the settings the
//     schema, config_schema.hpp, marks kept) is kept, and each such difference is logged.
// A file that does not load changes nothing; why is logged and returned. A file that loads has
// its risky settings logged as warnings (config_warnings.hpp), as at start.
class Reloader {
 public:
  // `current` is the configuration the health checker reads; it is updated in place.
  Reloader(BalancerConfig& current, ConfigLoader load, UpstreamCluster& cluster,
           HealthChecker& health, ReloadStats& stats);

  // The client-facing TLS whose certificate files a reload re-reads (before anything else
  // changes: a certificate that does not load fails the whole reload).
  void set_tls(tls::Termination* tls) { tls_ = tls; }
  // What the admin API shows as the running configuration: updated after each reload.
  void set_view(ConfigView* view) { view_ = view; }

  // Empty on success, else why the old configuration was kept.
  std::string reload();

  // The part of reload() after loading, for tests: returns the notes (settings kept).
  std::vector<std::string> apply(const BalancerConfig& next);

 private:
  BalancerConfig& current_;
  ConfigLoader load_;
  UpstreamCluster& cluster_;
  HealthChecker& health_;
  ReloadStats& stats_;
  tls::Termination* tls_ = nullptr;
  ConfigView* view_ = nullptr;
};

}  // namespace conv::balancer
