#include "conv/balancer/admin/prometheus.hpp"

#include <span>

#include "conv/balancer/admin/upstream_totals.hpp"
#include "conv/http/process_metrics.hpp"
#include "conv/http/prometheus_writer.hpp"
#include "conv/tls/report.hpp"

namespace conv::balancer {

namespace {

using Clock = std::chrono::steady_clock;
using http::MetricType;
using http::PrometheusWriter;

// What the per-upstream families read: the upstreams listed (removed ones are not) and the
// threads' counters summed, by upstream index.
struct UpstreamView {
  std::vector<const Upstream*> listed;
  std::vector<UpstreamTotals> totals;
  Clock::time_point now;
};

// A family with one sample per listed upstream.
template <typename Value>
void per_upstream(PrometheusWriter& w, const UpstreamView& v, const char* name, MetricType type,
                  const char* help, Value value) {
  w.family(name, type, help);
  for (const Upstream* u : v.listed) {
    w.sample(name, {{"upstream", u->name()}}, value(*u, v.totals[u->index()]));
  }
}

void upstream_state(PrometheusWriter& w, const UpstreamView& v) {
  per_upstream(
      w, v, "conv_upstream_available", MetricType::gauge, "Whether the upstream gets requests now.",
      [&](const Upstream& u, const UpstreamTotals&) { return u.available(v.now) ? 1 : 0; });
  per_upstream(
      w, v, "conv_upstream_healthy", MetricType::gauge, "The last verdict of active health checks.",
      [](const Upstream& u, const UpstreamTotals&) { return u.checked_healthy() ? 1 : 0; });
  // A state set: every state is listed, 1 for the current one and 0 for the others.
  w.family("conv_upstream_state", MetricType::gauge,
           "The upstream's state (1 for the current one, 0 for the others).");
  for (const Upstream* u : v.listed) {
    const std::string now = u->state(v.now);
    for (const char* state : Upstream::kStates) {
      w.sample("conv_upstream_state", {{"upstream", u->name()}, {"state", state}},
               now == state ? 1 : 0);
    }
  }
  per_upstream(w, v, "conv_upstream_weight", MetricType::gauge, "The configured weight.",
               [](const Upstream& u, const UpstreamTotals&) { return u.weight(); });
}

void upstream_traffic(PrometheusWriter& w, const UpstreamView& v) {
  per_upstream(w, v, "conv_upstream_requests_total", MetricType::counter,
               "Attempts sent to the upstream (retries included).",
               [](const Upstream&, const UpstreamTotals& t) { return t.attempts; });
  w.family("conv_upstream_responses_total", MetricType::counter,
           "Upstream responses by status class.");
  for (const Upstream* u : v.listed) {
    for (std::size_t k = 0; k < 5; ++k) {
      const std::string cls = std::to_string(k + 1) + "xx";
      w.sample("conv_upstream_responses_total", {{"upstream", u->name()}, {"class", cls}},
               v.totals[u->index()].responses[k]);
    }
  }
  w.family("conv_upstream_failures_total", MetricType::counter,
           "Failed attempts counted against the upstream's passive health, by reason.");
  for (const Upstream* u : v.listed) {
    for (std::size_t k = 0; k < kFailureReasons; ++k) {
      w.sample("conv_upstream_failures_total",
               {{"upstream", u->name()}, {"reason", to_string(static_cast<FailureReason>(k))}},
               v.totals[u->index()].failures[k]);
    }
  }
  per_upstream(w, v, "conv_upstream_connect_failures_total", MetricType::counter,
               "Connections to the upstream that failed or timed out.",
               [](const Upstream&, const UpstreamTotals& t) { return t.connect_failures; });
  per_upstream(w, v, "conv_upstream_retries_total", MetricType::counter,
               "Attempts that were retries of a request another upstream failed.",
               [](const Upstream&, const UpstreamTotals& t) { return t.retries; });
}

void health_checks(PrometheusWriter& w, const UpstreamView& v) {
  w.family("conv_upstream_health_checks_total", MetricType::counter,
           "Active health checks, by result (ok, failed) and, for failures, reason.");
  for (const Upstream* u : v.listed) {
    w.sample("conv_upstream_health_checks_total",
             {{"upstream", u->name()}, {"result", "ok"}, {"reason", "none"}}, u->checks_passed());
    for (std::size_t k = 0; k < Upstream::kCheckFailures.size(); ++k) {
      w.sample(
          "conv_upstream_health_checks_total",
          {{"upstream", u->name()}, {"result", "failed"}, {"reason", Upstream::kCheckFailures[k]}},
          u->checks_failed(k));
    }
  }
}

void upstream_connections(PrometheusWriter& w, const UpstreamView& v) {
  per_upstream(w, v, "conv_upstream_in_flight_requests", MetricType::gauge,
               "Requests in flight to the upstream (each holds one connection).",
               [](const Upstream& u, const UpstreamTotals&) {
                 return static_cast<std::uint64_t>(std::max<std::int64_t>(0, u.in_flight()));
               });
  per_upstream(w, v, "conv_upstream_pooled_connections", MetricType::gauge,
               "Idle keep-alive connections.",
               [](const Upstream&, const UpstreamTotals& t) { return t.pooled; });
  per_upstream(w, v, "conv_upstream_pool_discarded_total", MetricType::counter,
               "Idle keep-alive connections closed because the upstream sent bytes or closed.",
               [](const Upstream&, const UpstreamTotals& t) { return t.discarded; });
}

void upstream_bytes_and_time(PrometheusWriter& w, const UpstreamView& v) {
  per_upstream(w, v, "conv_upstream_response_bytes_total", MetricType::counter,
               "Response body bytes relayed from the upstream to clients.",
               [](const Upstream&, const UpstreamTotals& t) { return t.bytes_out; });
  per_upstream(w, v, "conv_upstream_request_bytes_total", MetricType::counter,
               "Request body bytes relayed from clients to the upstream.",
               [](const Upstream&, const UpstreamTotals& t) { return t.bytes_in; });
  w.family("conv_upstream_response_seconds", MetricType::histogram,
           "Time from an attempt's start to the upstream's response head.");
  for (const Upstream* u : v.listed) {
    const auto& t = v.totals[u->index()];
    w.histogram("conv_upstream_response_seconds", {{"upstream", u->name()}},
                UpstreamCounters::kBuckets, t.buckets, static_cast<double>(t.time_micros) / 1e6);
  }
}

void balancer_globals(PrometheusWriter& w, const MetricsSources& from, const UpstreamView& v,
                      const ReloadStats* reloads) {
  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;
  for (const auto& t : v.totals) {
    bytes_out += t.bytes_out;
    bytes_in += t.bytes_in;
  }
  w.family("conv_balancer_response_bytes_total", MetricType::counter,
           "Response body bytes relayed to clients, all upstreams.");
  w.sample("conv_balancer_response_bytes_total", {}, bytes_out);
  w.family("conv_balancer_request_bytes_total", MetricType::counter,
           "Request body bytes relayed to upstreams, all upstreams.");
  w.sample("conv_balancer_request_bytes_total", {}, bytes_in);
  w.family("conv_balancer_retries_in_progress", MetricType::gauge,
           "Requests being retried now (counted against the retry budget).");
  w.sample("conv_balancer_retries_in_progress", {}, from.cluster.retry_budget().active());
  w.family("conv_balancer_retry_budget_exhausted_total", MetricType::counter,
           "Retries not made because the retry budget was spent.");
  w.sample("conv_balancer_retry_budget_exhausted_total", {}, from.cluster.retry_budget().denied());
  if (reloads) {
    w.family("conv_balancer_reloads_total", MetricType::counter,
             "Configuration reloads, by result.");
    w.sample("conv_balancer_reloads_total", {{"result", "ok"}}, reloads->ok.load());
    w.sample("conv_balancer_reloads_total", {{"result", "failed"}}, reloads->failed.load());
  }
  w.family("conv_access_log_dropped_total", MetricType::counter,
           "Access log lines dropped (sink too slow).");
  w.sample("conv_access_log_dropped_total", {}, from.log.dropped());
}

}  // namespace

void render_balancer_metrics(const MetricsSources& from, const ReloadStats* reloads,
                             std::string& out) {
  PrometheusWriter w(out);
  from.http.render(w);
  const auto& table = from.cluster.upstreams();
  UpstreamView v;
  v.now = Clock::now();
  v.totals = sum_counters(from.cluster.pools(), table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].admin_state() != AdminState::removed) v.listed.push_back(&table[i]);
  }
  upstream_state(w, v);
  upstream_traffic(w, v);
  health_checks(w, v);
  upstream_connections(w, v);
  upstream_bytes_and_time(w, v);
  balancer_globals(w, from, v, reloads);
  if (from.tls != nullptr) tls::write_metrics(w, *from.tls, std::chrono::system_clock::now());
  http::write_process_metrics(w);
}

}  // namespace conv::balancer
