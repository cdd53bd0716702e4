#include "conv/balancer/admin/stats.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>

#include "conv/balancer/handler.hpp"

namespace conv::balancer {

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kWindow = 10;  // samples of a second each

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

// Rounds for JSON output: 3 decimals are plenty for rates and milliseconds.
double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
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

std::uint64_t UpstreamTotals::answered() const {
  std::uint64_t n = 0;
  for (auto r : responses) n += r;
  return n;
}

std::vector<UpstreamTotals> sum_counters(const PoolSet& pools, std::size_t n) {
  std::vector<UpstreamTotals> out(n);
  pools.for_each([&](const ConnectionPool& p) {
    for (std::size_t i = 0; i < n; ++i) {
      const UpstreamCounters& c = p.counters(i);
      auto load = [](const UpstreamCounters::Counter& x) {
        return x.load(std::memory_order_relaxed);
      };
      UpstreamTotals& t = out[i];
      t.attempts += load(c.attempts);
      t.retries += load(c.retries);
      t.connect_failures += load(c.connect_failures);
      for (std::size_t k = 0; k < t.responses.size(); ++k) t.responses[k] += load(c.responses[k]);
      for (std::size_t k = 0; k < t.buckets.size(); ++k) t.buckets[k] += load(c.buckets[k]);
      t.time_micros += load(c.time_micros);
      t.bytes_out += load(c.bytes_out);
      t.bytes_in += load(c.bytes_in);
      t.pooled += load(c.pooled);
      t.discarded += load(c.discarded);
    }
  });
  return out;
}

// ---- the sampler ----

StatsSampler::StatsSampler(boost::asio::io_context& control, const UpstreamTable& upstreams,
                           const PoolSet& pools)
    : upstreams_(upstreams), pools_(pools), timer_(control), alive_(std::make_shared<bool>(true)) {}

void StatsSampler::start() {
  sample();
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (!ec && *alive) start();
  });
}

void StatsSampler::stop() {
  *alive_ = false;
  timer_.cancel();
}

void StatsSampler::sample() {
  const std::size_t n = upstreams_.size();
  const auto totals = sum_counters(pools_, n);
  Sample s;
  s.at = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& t = totals[i];
    s.attempts.push_back(t.attempts);
    s.errors.push_back(upstreams_[i].failures.load(std::memory_order_relaxed) + t.responses[4]);
    s.answered.push_back(t.answered());
    s.micros.push_back(t.time_micros);
  }
  std::lock_guard lock(mutex_);
  samples_.push_back(std::move(s));
  while (samples_.size() > kWindow + 1) samples_.pop_front();
}

std::vector<StatsSampler::Recent> StatsSampler::recent() const {
  std::lock_guard lock(mutex_);
  std::vector<Recent> out(upstreams_.size());
  if (samples_.size() < 2) return out;
  const Sample& a = samples_.front();
  const Sample& b = samples_.back();
  const double seconds = std::chrono::duration<double>(b.at - a.at).count();
  for (std::size_t i = 0; i < out.size() && i < b.attempts.size(); ++i) {
    auto delta = [&](const std::vector<std::uint64_t>& x, const std::vector<std::uint64_t>& y) {
      return static_cast<double>(y[i] - (i < x.size() ? x[i] : 0));
    };
    const double attempts = delta(a.attempts, b.attempts);
    const double answered = delta(a.answered, b.answered);
    out[i].requests_per_second = seconds > 0 ? attempts / seconds : 0;
    out[i].error_rate = attempts > 0 ? std::min(1.0, delta(a.errors, b.errors) / attempts) : 0;
    out[i].mean_latency_ms = answered > 0 ? delta(a.micros, b.micros) / answered / 1000.0 : 0;
  }
  return out;
}

// ---- /metrics ----

void render_balancer_metrics(const BalancerHandler& h, const ReloadStats* reloads,
                             std::string& out) {
  h.metrics().render(out);
  const auto now = Clock::now();
  const auto& table = h.upstreams();
  const std::size_t n = table.size();
  const auto totals = sum_counters(h.pools(), n);
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
               [](const Upstream& u, const UpstreamTotals&) { return u.failures.load(); });
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
  out += "conv_balancer_retries_in_progress " + std::to_string(h.retry_budget().active()) + "\n";
  family(out, "conv_balancer_retry_budget_exhausted_total", "counter",
         "Retries not made because the retry budget was spent.");
  out += "conv_balancer_retry_budget_exhausted_total " + std::to_string(h.retry_budget().denied()) +
         "\n";
  if (reloads) {
    family(out, "conv_balancer_reloads_total", "counter", "Configuration reloads, by result.");
    out +=
        "conv_balancer_reloads_total{result=\"ok\"} " + std::to_string(reloads->ok.load()) + "\n";
    out += "conv_balancer_reloads_total{result=\"failed\"} " +
           std::to_string(reloads->failed.load()) + "\n";
  }
  family(out, "conv_access_log_dropped_total", "counter",
         "Access log lines dropped (sink too slow).");
  out += "conv_access_log_dropped_total " + std::to_string(h.log().dropped()) + "\n";
}

// ---- /status ----

namespace {

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

std::string render_upstream(const BalancerHandler& h, const Upstream& u,
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
  const auto round = h.selector().snapshot();
  const unsigned effective = u.index() < round->weights.size() ? round->weights[u.index()] : 0;
  o.num("effective_weight", static_cast<double>(effective) / Selector::kWeightScale);
  o.num("in_flight", static_cast<std::uint64_t>(std::max<std::int64_t>(0, u.in_flight())));
  o.num("max_conns", std::uint64_t{u.max_conns()});
  if (totals) {
    o.num("pooled", totals->pooled);
    o.num("requests", totals->attempts);
    o.num("failures", u.failures.load(std::memory_order_relaxed));
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

std::string render_status(const BalancerHandler& h, const StatsSampler& sampler,
                          const ReloadStats& reloads) {
  const auto& table = h.upstreams();
  const std::size_t n = table.size();
  const auto totals = sum_counters(h.pools(), n);
  auto recent = sampler.recent();
  recent.resize(n);
  double total_rate = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].admin_state() != AdminState::removed) total_rate += recent[i].requests_per_second;
  }
  const PolicyConfig policy = h.selector().policy();
  std::string out = "{\"policy\":\"";
  out += to_string(policy.kind);
  out += "\"";
  if (policy.kind == PolicyKind::hash) {
    out += ",\"hash_key\":" + json::serialize(json::value(policy.key.text()));
  }
  out += ",\"available\":" + std::to_string(h.selector().available_count());
  out += ",\"draining\":" + std::string(h.draining() ? "true" : "false");
  out += ",\"reloads\":{\"ok\":" + std::to_string(reloads.ok.load()) +
         ",\"failed\":" + std::to_string(reloads.failed.load()) + "}";
  out += ",\"upstreams\":[";
  bool first = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].admin_state() == AdminState::removed) continue;
    if (!first) out += ',';
    first = false;
    const double share = total_rate > 0 ? recent[i].requests_per_second / total_rate : 0;
    out += render_upstream(h, table[i], &recent[i], share, &totals[i]);
  }
  out += "]}\n";
  return out;
}

}  // namespace conv::balancer
