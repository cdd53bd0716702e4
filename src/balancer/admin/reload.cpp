#include "conv/balancer/admin/reload.hpp"

#include <algorithm>

#include "conv/balancer/model/config_schema.hpp"
#include "conv/balancer/model/config_warnings.hpp"
#include "conv/log/logger.hpp"

namespace conv::balancer {

namespace {

// What a running server cannot change (the schema's settings a reload keeps), as one note
// for each name they are kept under.
std::vector<std::string> fixed_differences(const BalancerConfig& a, const BalancerConfig& b) {
  std::vector<std::string_view> differ;
  for (const auto& k : config_keys()) {
    if (!k.reloadable() && k.differs(a, b) &&
        std::find(differ.begin(), differ.end(), k.kept_as) == differ.end()) {
      differ.push_back(k.kept_as);
    }
  }
  std::vector<std::string> notes;
  for (const auto name : differ) {
    notes.push_back(std::string(name) + " cannot change on reload (restart to apply); kept");
  }
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
  const std::string who = "reload: ";
  if (!load_) {
    stats_.failed.fetch_add(1);
    log::warn() << who << "no config file (started with --upstream); nothing to reload";
    return "the balancer was started without a config file";
  }
  BalancerConfig next;
  try {
    next = load_();
  } catch (const ConfigError& e) {
    stats_.failed.fetch_add(1);
    log::error() << who << "bad config, keeping the old one: " << e.what();
    return e.what();
  }
  const UpstreamTable& table = cluster_.upstreams();
  if (table.size() + table.missing(next.upstreams) > UpstreamTable::kCapacity) {
    stats_.failed.fetch_add(1);
    const std::string why = "more than " + std::to_string(UpstreamTable::kCapacity) +
                            " distinct upstream names (slots) since start; restart to reload";
    log::error() << who << why;
    return why;
  }
  if (tls_ != nullptr) {
    if (auto error = tls_->reload(next.tls.tls)) {
      stats_.failed.fetch_add(1);
      log::error() << who
                   << "TLS certificates do not load, keeping the old configuration: " << *error;
      return *error;
    }
    log::info() << who << "TLS certificates reloaded";
  }
  for (const auto& n : apply(next)) log::info() << who << n;
  stats_.ok.fetch_add(1);
  {
    auto line = log::info();
    line << who << "applied: " << to_string(current_.policy.kind) << " over "
         << current_.upstreams.size() << " upstream(s):";
    for (const auto& u : current_.upstreams) {
      line << " " << u.address.text() << "(weight " << u.weight << ")";
    }
  }
  for (const auto& w : config_warnings(current_)) log::warn() << who << w;
  if (view_ != nullptr) view_->update(current_);
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
  for (const auto& k : config_keys()) {
    if (!k.reloadable()) k.keep(merged, current_);
  }
  current_ = std::move(merged);
  health_.reconfigure();  // discovers new names, sets new addresses, empties the slots gone
  cluster_.selector().configure(current_.policy);  // also refreshes: new weights, members
  return notes;
}

}  // namespace conv::balancer
