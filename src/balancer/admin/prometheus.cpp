#include "conv/balancer/admin/prometheus.hpp"

#include <charconv>

#include "conv/balancer/admin/upstream_totals.hpp"

namespace conv::balancer {

namespace {

using Clock = std::chrono::steady_clock;

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_double(std::string& out, double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, end);
}

// "# HELP" and "# TYPE" lines.
void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void series(std::string& out, const char* name, const Upstream& u, std::uint64_t v,
            const char* extra_label = nullptr) {
  out += name;
  out += "{upstream=\"" + u.name() + "\"";
  if (extra_label) out += extra_label;
  out += "} ";
  append_uint(out, v);
  out += '\n';
}

}  // namespace

void render_balancer_metrics(const MetricsSources& from, const ReloadStats* reloads,
                             std::string& out) {
  from.http.render(out);
  const UpstreamCluster& cluster = from.cluster;
  const auto now = Clock::now();
  const auto& table = cluster.upstreams();
  const std::size_t n = table.size();
  const auto totals = sum_counters(cluster.pools(), n);
  std::vector<const Upstream*> listed;  // removed upstreams are not listed
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].admin_state() != AdminState::removed) listed.push_back(&table[i]);
  }
  auto per_upstream = [&](const char* name, const char* type, const char* help, auto value) {
    family(out, name, type, help);
    for (const Upstream* u : listed) series(out, name, *u, value(*u, totals[u->index()]));
  };
  per_upstream("conv_upstream_available", "gauge", "Whether the upstream gets requests now.",
               [&](const Upstream& u, const UpstreamTotals&) { return u.available(now) ? 1 : 0; });
  per_upstream(
      "conv_upstream_healthy", "gauge", "The last verdict of active health checks.",
      [](const Upstream& u, const UpstreamTotals&) { return u.checked_healthy() ? 1 : 0; });
  family(out, "conv_upstream_state", "gauge", "The upstream's state (1 for the current one).");
  for (const Upstream* u : listed) {
    const std::string label = ",state=\"" + u->state(now) + "\"";
    series(out, "conv_upstream_state", *u, 1, label.c_str());
  }
  per_upstream("conv_upstream_weight", "gauge", "The configured weight.",
               [](const Upstream& u, const UpstreamTotals&) { return u.weight(); });
  per_upstream("conv_upstream_requests_total", "counter",
               "Attempts sent to the upstream (retries included).",
               [](const Upstream&, const UpstreamTotals& t) { return t.attempts; });
  family(out, "conv_upstream_responses_total", "counter", "Upstream responses by status class.");
  for (const Upstream* u : listed) {
    for (std::size_t k = 0; k < 5; ++k) {
      const std::string label = ",class=\"" + std::to_string(k + 1) + "xx\"";
      series(out, "conv_upstream_responses_total", *u, totals[u->index()].responses[k],
             label.c_str());
    }
  }
  per_upstream("conv_upstream_failures_total", "counter",
               "Failed attempts (connect, timeout, reset, bad response).",
               [](const Upstream& u, const UpstreamTotals&) { return u.failures(); });
  per_upstream("conv_upstream_connect_failures_total", "counter",
               "Connections to the upstream that failed or timed out.",
               [](const Upstream&, const UpstreamTotals& t) { return t.connect_failures; });
  per_upstream("conv_upstream_retries_total", "counter",
               "Attempts that were retries of a request another upstream failed.",
               [](const Upstream&, const UpstreamTotals& t) { return t.retries; });
  per_upstream("conv_upstream_active_connections", "gauge",
               "Requests in flight to the upstream (each holds one connection).",
               [](const Upstream& u, const UpstreamTotals&) {
                 return static_cast<std::uint64_t>(std::max<std::int64_t>(0, u.in_flight()));
               });
  per_upstream("conv_upstream_pooled_connections", "gauge", "Idle keep-alive connections.",
               [](const Upstream&, const UpstreamTotals& t) { return t.pooled; });
  per_upstream("conv_upstream_pool_discarded_total", "counter",
               "Idle keep-alive connections closed because the upstream sent bytes or closed.",
               [](const Upstream&, const UpstreamTotals& t) { return t.discarded; });
  per_upstream("conv_upstream_response_bytes_total", "counter",
               "Response body bytes relayed from the upstream to clients.",
               [](const Upstream&, const UpstreamTotals& t) { return t.bytes_out; });
  per_upstream("conv_upstream_request_bytes_total", "counter",
               "Request body bytes relayed from clients to the upstream.",
               [](const Upstream&, const UpstreamTotals& t) { return t.bytes_in; });

  family(out, "conv_upstream_response_seconds", "histogram",
         "Time from an attempt's start to the upstream's response head.");
  for (const Upstream* u : listed) {
    const auto& t = totals[u->index()];
    const std::string labels = "{upstream=\"" + u->name() + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < t.buckets.size(); ++b) {
      cumulative += t.buckets[b];
      out += "conv_upstream_response_seconds_bucket" + labels + ",le=\"";
      if (b == UpstreamCounters::kBuckets.size()) {
        out += "+Inf";
      } else {
        append_double(out, UpstreamCounters::kBuckets[b]);
      }
      out += "\"} ";
      append_uint(out, cumulative);
      out += '\n';
    }
    out += "conv_upstream_response_seconds_sum" + labels + "} ";
    append_double(out, static_cast<double>(t.time_micros) / 1e6);
    out += "\nconv_upstream_response_seconds_count" + labels + "} ";
    append_uint(out, cumulative);
    out += '\n';
  }

  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;
  for (const auto& t : totals) {
    bytes_out += t.bytes_out;
    bytes_in += t.bytes_in;
  }
  family(out, "conv_balancer_response_bytes_total", "counter",
         "Response body bytes relayed to clients, all upstreams.");
  out += "conv_balancer_response_bytes_total " + std::to_string(bytes_out) + "\n";
  family(out, "conv_balancer_request_bytes_total", "counter",
         "Request body bytes relayed to upstreams, all upstreams.");
  out += "conv_balancer_request_bytes_total " + std::to_string(bytes_in) + "\n";
  family(out, "conv_balancer_retries_in_progress", "gauge",
         "Requests being retried now (counted against the retry budget).");
  out +=
      "conv_balancer_retries_in_progress " + std::to_string(cluster.retry_budget().active()) + "\n";
  family(out, "conv_balancer_retry_budget_exhausted_total", "counter",
         "Retries not made because the retry budget was spent.");
  out += "conv_balancer_retry_budget_exhausted_total " +
         std::to_string(cluster.retry_budget().denied()) + "\n";
  if (reloads) {
    family(out, "conv_balancer_reloads_total", "counter", "Configuration reloads, by result.");
    out +=
        "conv_balancer_reloads_total{result=\"ok\"} " + std::to_string(reloads->ok.load()) + "\n";
    out += "conv_balancer_reloads_total{result=\"failed\"} " +
           std::to_string(reloads->failed.load()) + "\n";
  }
  family(out, "conv_access_log_dropped_total", "counter",
         "Access log lines dropped (sink too slow).");
  out += "conv_access_log_dropped_total " + std::to_string(from.log.dropped()) + "\n";
}

}  // namespace conv::balancer
