#include "conv/balancer/admin/status_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "conv/balancer/cluster.hpp"
#include "conv/tls/report.hpp"
#include "conv/util/json_fields.hpp"

namespace conv::balancer {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

std::string render_upstream(const UpstreamCluster& cluster, const Upstream& u,
                            const StatsSampler::Recent* recent, double share,
                            const UpstreamTotals* totals) {
  const auto now = Clock::now();
  std::string out;
  util::JsonFields o(out);
  o.string("name", u.name());
  const auto ep = u.endpoint();
  if (ep) {
    o.string("address", ep->address().to_string() + ":" + std::to_string(ep->port()));
  } else {
    o.raw("address", "null");
  }
  o.string("state", u.state(now));
  o.string("admin_state", to_string(u.admin_state()));
  o.boolean("available", u.available(now));
  o.integer("weight", u.weight());
  const auto round = cluster.selector().snapshot();
  const unsigned effective = u.index() < round->weights.size() ? round->weights[u.index()] : 0;
  o.number("effective_weight", static_cast<double>(effective) / Selector::kWeightScale);
  o.integer("in_flight", static_cast<std::uint64_t>(std::max<std::int64_t>(0, u.in_flight())));
  o.integer("max_conns", u.max_conns());
  if (totals) {
    o.integer("pooled", totals->pooled);
    o.integer("requests", totals->attempts);
    o.integer("failures", u.failures());
  }
  if (recent) {
    o.number("requests_per_second", recent->requests_per_second);
    o.number("share", share);
    o.number("error_rate", recent->error_rate);
    o.number("latency_ms", recent->mean_latency_ms);
  }
  o.string("last_check", u.last_check());
  o.close();
  return out;
}

std::string render_status(const UpstreamCluster& cluster, const StatsSampler& sampler,
                          const ReloadStats& reloads, const tls::Termination* tls) {
  const auto& table = cluster.upstreams();
  const std::size_t n = table.size();
  const auto totals = sum_counters(cluster.pools(), n);
  auto recent = sampler.recent();
  recent.resize(n);
  double total_rate = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].admin_state() != AdminState::removed) total_rate += recent[i].requests_per_second;
  }
  const PolicyConfig policy = cluster.selector().policy();
  std::string out = "{\"policy\":\"";
  out += to_string(policy.kind);
  out += "\"";
  if (policy.kind == PolicyKind::hash) {
    out += ",\"hash_key\":" + json::serialize(json::value(policy.key.text()));
  }
  out += ",\"available\":" + std::to_string(cluster.selector().available_count());
  out += ",\"draining\":" + std::string(cluster.draining() ? "true" : "false");
  out += ",\"reloads\":{\"ok\":" + std::to_string(reloads.ok.load()) +
         ",\"failed\":" + std::to_string(reloads.failed.load()) + "}";
  if (tls != nullptr) {
    out += ",\"tls\":" + json::serialize(tls::status_json(*tls, std::chrono::system_clock::now()));
  }
  out += ",\"upstreams\":[";
  bool first = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].admin_state() == AdminState::removed) continue;
    if (!first) out += ',';
    first = false;
    const double share = total_rate > 0 ? recent[i].requests_per_second / total_rate : 0;
    out += render_upstream(cluster, table[i], &recent[i], share, &totals[i]);
  }
  out += "]}\n";
  return out;
}

}  // namespace conv::balancer
