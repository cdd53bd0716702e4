#include "conv/balancer/admin/history_json.hpp"

#include "conv/balancer/cluster.hpp"
#include "conv/util/json_fields.hpp"

namespace conv::balancer {

namespace {

using Point = StatsSampler::Point;
using Seconds = std::vector<std::vector<Point>>;

// "key":[...]: one value of upstream i's for each second.
template <typename Value>
void append_series(std::string& out, std::string_view key, const Seconds& seconds, std::size_t i,
                   Value value) {
  out += ",\"";
  out += key;
  out += "\":[";
  for (std::size_t s = 0; s < seconds.size(); ++s) {
    if (s > 0) out += ',';
    const std::optional<float> v =
        i < seconds[s].size() ? value(seconds[s][i]) : std::optional<float>(0.0f);
    if (v) {
      util::append_json_number(out, *v);
    } else {
      out += "null";
    }
  }
  out += ']';
}

}  // namespace

std::string render_history(const UpstreamCluster& cluster, const StatsSampler& sampler) {
  const Seconds seconds = sampler.history();
  const auto& table = cluster.upstreams();
  std::string out =
      "{\"interval_seconds\":1,\"seconds\":" + std::to_string(seconds.size()) + ",\"upstreams\":[";
  bool first = true;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].admin_state() == AdminState::removed) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"name\":";
    util::append_json_string(out, table[i].name());
    append_series(out, "requests_per_second", seconds, i,
                  [](const Point& p) -> std::optional<float> { return p.requests_per_second; });
    append_series(out, "error_rate", seconds, i,
                  [](const Point& p) -> std::optional<float> { return p.error_rate; });
    append_series(out, "p50_ms", seconds, i, [](const Point& p) { return p.p50_ms; });
    append_series(out, "p99_ms", seconds, i, [](const Point& p) { return p.p99_ms; });
    out += '}';
  }
  out += "]}\n";
  return out;
}

}  // namespace conv::balancer
