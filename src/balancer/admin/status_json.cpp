#include "conv/balancer/admin/status_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>

#include "conv/balancer/cluster.hpp"
#include "conv/tls/report.hpp"

namespace conv::balancer {

namespace {

using Clock = std::chrono::steady_clock;

namespace json = boost::json;

// Rounds for JSON output: 3 decimals are plenty for rates and milliseconds.
double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

// A JSON object written field by field: strings escaped by Boost.JSON, numbers in plain
// decimal (Boost.JSON would write 12.5 as 1.25E1).
class JsonObject {
 public:
  JsonObject& str(std::string_view key, std::string_view v) {
    return raw(key, json::serialize(json::string(v)));
  }
  JsonObject& num(std::string_view key, double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, round3(v), std::chars_format::general);
    return raw(key, std::string_view(buf, static_cast<std::size_t>(end - buf)));
  }
  JsonObject& num(std::string_view key, std::uint64_t v) { return raw(key, std::to_string(v)); }
  JsonObject& boolean(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonObject& raw(std::string_view key, std::string_view v) {
    out_ += out_.empty() ? "{" : ",";
    out_ += json::serialize(json::string(key));
    out_ += ':';
    out_ += v;
    return *this;
  }
  std::string done() { return (out_.empty() ? "{" : out_) + "}"; }

 private:
  std::string out_;
};

}  // namespace

std::string render_upstream(const UpstreamCluster& cluster, const Upstream& u,
                            const StatsSampler::Recent* recent, double share,
                            const UpstreamTotals* totals) {
  const auto now = Clock::now();
  JsonObject o;
  o.str("name", u.name());
  const auto ep = u.endpoint();
  if (ep) {
    o.str("address", ep->address().to_string() + ":" + std::to_string(ep->port()));
  } else {
    o.raw("address", "null");
  }
  o.str("state", u.state(now));
  o.str("admin_state", to_string(u.admin_state()));
  o.boolean("available", u.available(now));
  o.num("weight", std::uint64_t{u.weight()});
  const auto round = cluster.selector().snapshot();
  const unsigned effective = u.index() < round->weights.size() ? round->weights[u.index()] : 0;
  o.num("effective_weight", static_cast<double>(effective) / Selector::kWeightScale);
  o.num("in_flight", static_cast<std::uint64_t>(std::max<std::int64_t>(0, u.in_flight())));
  o.num("max_conns", std::uint64_t{u.max_conns()});
  if (totals) {
    o.num("pooled", totals->pooled);
    o.num("requests", totals->attempts);
    o.num("failures", u.failures());
  }
  if (recent) {
    o.num("requests_per_second", recent->requests_per_second);
    o.num("share", share);
    o.num("error_rate", recent->error_rate);
    o.num("latency_ms", recent->mean_latency_ms);
  }
  o.str("last_check", u.last_check());
  return o.done();
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
