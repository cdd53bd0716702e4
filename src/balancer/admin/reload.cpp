#include "conv/balancer/admin/reload.hpp"

#include <algorithm>
#include <iostream>

#include "conv/http/server_settings.hpp"

namespace conv::balancer {

namespace {

// What a running server cannot change, as "field: old -> new" notes.
std::vector<std::string> fixed_differences(const BalancerConfig& a, const BalancerConfig& b) {
  std::vector<std::string> notes;
  auto note = [&](bool differs, const std::string& what) {
    if (differs) notes.push_back(what + " cannot change on reload (restart to apply); kept");
  };
  const auto& s = a.server;
  const auto& t = b.server;
  note(s.host != t.host || s.port != t.port, "listen");
  note(s.threads != t.threads, "threads");
  // The HTTP core's settings, one note for each name they are kept under.
  std::vector<std::string_view> differ;
  for (const auto& setting : http::server_settings()) {
    if (setting.get(s) != setting.get(t) &&
        std::find(differ.begin(), differ.end(), setting.kept_as) == differ.end()) {
      differ.push_back(setting.kept_as);
    }
  }
  for (const auto name : differ) note(true, std::string(name));
  note(a.access_log != b.access_log, "access_log");
  note(a.name != b.name, "name");
  note(a.admin_prefix != b.admin_prefix, "admin_prefix");
  note(a.admin.has_value() != b.admin.has_value() ||
           (a.admin && b.admin && a.admin->text() != b.admin->text()),
       "admin");
  note(a.admin_hosts != b.admin_hosts, "admin_hosts");
  note(a.admin_token_file != b.admin_token_file, "admin_token_file");
  note(a.metrics.has_value() != b.metrics.has_value() ||
           (a.metrics && b.metrics && a.metrics->text() != b.metrics->text()),
       "metrics");
  note(a.public_metrics != b.public_metrics, "public_metrics");
  note(a.trusted_proxies != b.trusted_proxies, "trusted_proxies");
  note(a.pool_max_idle != b.pool_max_idle || a.pool_idle_timeout != b.pool_idle_timeout, "pool");
  return notes;
}

}  // namespace

Reloader::Reloader(BalancerConfig& current, ConfigLoader load, UpstreamCluster& cluster,
                   HealthChecker& health, ReloadStats& stats)
    : current_(current),
      load_(std::move(load)),
      cluster_(cluster),
      health_(health),
      stats_(stats) {}

std::string Reloader::reload() {
  const std::string who = "conv balancer: reload: ";
  if (!load_) {
    stats_.failed.fetch_add(1);
    std::cerr << who << "no config file (started with --upstream); nothing to reload\n";
    return "the balancer was started without a config file";
  }
  BalancerConfig next;
  try {
    next = load_();
  } catch (const ConfigError& e) {
    stats_.failed.fetch_add(1);
    std::cerr << who << "bad config, keeping the old one: " << e.what() << "\n";
    return e.what();
  }
  const UpstreamTable& table = cluster_.upstreams();
  if (table.size() + table.missing(next.upstreams) > UpstreamTable::kCapacity) {
    stats_.failed.fetch_add(1);
    const std::string why = "more than " + std::to_string(UpstreamTable::kCapacity) +
                            " distinct upstream names (slots) since start; restart to reload";
    std::cerr << who << why << "\n";
    return why;
  }
  for (const auto& n : apply(next)) std::cerr << who << n << "\n";
  stats_.ok.fetch_add(1);
  std::cerr << who << "applied: " << to_string(current_.policy.kind) << " over "
            << current_.upstreams.size() << " upstream(s):";
  for (const auto& u : current_.upstreams) {
    std::cerr << " " << u.address.text() << "(weight " << u.weight << ")";
  }
  std::cerr << "\n";
  return {};
}

std::vector<std::string> Reloader::apply(const BalancerConfig& next) {
  auto notes = fixed_differences(current_, next);
  UpstreamTable& table = cluster_.upstreams();
  std::vector<bool> listed(UpstreamTable::kCapacity, false);
  for (const auto& c : next.upstreams) {
    // An entry's upstreams (the slots of a "resolve": "all" name) come and go together.
    const std::size_t before = table.size();
    const auto slots = table.add(c);  // capacity was checked by reload()
    bool added = false;
    bool revived = false;
    for (Upstream* u : slots) {
      listed[u->index()] = true;
      added = added || u->index() >= before;
      if (u->admin_state() == AdminState::removed) {
        u->set_admin_state(AdminState::active);
        revived = true;
      }
    }
    const std::string what =
        c.address.text() +
        (slots.size() > 1 ? " (" + std::to_string(slots.size()) + " slots)" : "");
    if (added) notes.push_back("upstream " + what + " added");
    if (revived && !added) notes.push_back("upstream " + what + " added back");
  }
  // Removed by entry: a name's slots, which go together, make one note.
  std::vector<std::pair<std::string, std::size_t>> removed;  // entry, slots
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!listed[i] && table[i].admin_state() != AdminState::removed) {
      table[i].set_admin_state(AdminState::removed);
      const std::string entry = table[i].config().address.text();
      if (removed.empty() || removed.back().first != entry) removed.emplace_back(entry, 0);
      ++removed.back().second;
    }
  }
  for (const auto& [entry, n] : removed) {
    const std::string slots = n > 1 ? " (" + std::to_string(n) + " slots)" : "";
    notes.push_back("upstream " + entry + slots + " removed (requests in flight finish)");
  }
  cluster_.settings().apply(next);
  if (!next.health.enabled && current_.health.enabled) {
    // No checker will bring a failed upstream back any more: as at a start without checks.
    for (const auto& u : table) u->set_checked_healthy(true);
    notes.push_back("active health checks turned off");
  }

  BalancerConfig merged = next;  // the reloadable parts of `next`, the rest as running
  merged.server = current_.server;
  merged.name = current_.name;
  merged.access_log = current_.access_log;
  merged.admin = current_.admin;
  merged.admin_prefix = current_.admin_prefix;
  merged.admin_hosts = current_.admin_hosts;
  merged.admin_token_file = current_.admin_token_file;
  merged.metrics = current_.metrics;
  merged.public_metrics = current_.public_metrics;
  merged.trusted_proxies = current_.trusted_proxies;
  merged.pool_max_idle = current_.pool_max_idle;
  merged.pool_idle_timeout = current_.pool_idle_timeout;
  current_ = std::move(merged);
  health_.reconfigure();  // discovers new names, sets new addresses, empties the slots gone
  cluster_.selector().configure(current_.policy);  // also refreshes: new weights, members
  return notes;
}

}  // namespace conv::balancer
