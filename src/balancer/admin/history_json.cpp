#include "conv/balancer/admin/history_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <charconv>
#include <cmath>

#include "conv/balancer/cluster.hpp"

namespace conv::balancer {

namespace {

using Point = StatsSampler::Point;
using Seconds = std::vector<std::vector<Point>>;

// Plain decimals, 3 places at most (Boost.JSON would write 12.5 as 1.25E1).
void append_number(std::string& out, double v) {
  char buf[32];
  const double rounded = std::round(v * 1000.0) / 1000.0;
  const auto end = std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::general).ptr;
  out.append(buf, end);
}

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
      append_number(out, *v);
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
    out += "{\"name\":" + boost::json::serialize(boost::json::string(table[i].name()));
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
