#include "conv/http/metrics.hpp"

#include <span>

namespace conv::http {

namespace {

constexpr unsigned kMinStatus = 100;
constexpr unsigned kMaxStatus = 599;
constexpr unsigned kStatuses = kMaxStatus - kMinStatus + 1;

using Counter = std::atomic<std::uint64_t>;

// Single-writer increment: the owning thread is the only writer, so a relaxed load and store
// is enough and costs no locked instruction.
inline void bump(Counter& c, std::uint64_t by = 1) {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

struct Metrics::Slot {
  explicit Slot(std::size_t routes)
      : by_status(routes * kStatuses),
        buckets(routes * (kBuckets.size() + 1)),
        sum_micros(routes) {}
  std::vector<Counter> by_status;   // [route][status - 100]
  std::vector<Counter> buckets;     // [route][bucket], last is +Inf
  std::vector<Counter> sum_micros;  // [route]
  // Gauges: a connection or request may start on one thread and end on another (shared
  // io_context), so these are true atomics and only their sum over slots is meaningful.
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> connections{0};
  Counter accepted{0};  // connections opened on this slot's thread
};

Metrics::Metrics(std::string prefix, std::vector<std::string> routes)
    : prefix_(std::move(prefix)), routes_(std::move(routes)) {
  if (routes_.empty()) routes_.push_back("none");
}

Metrics::~Metrics() = default;

Metrics::Slot& Metrics::local_slot() {
  return slots_.local([this] { return std::make_unique<Slot>(routes_.size()); });
}

void Metrics::request_started() {
  local_slot().in_flight.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::request_abandoned() {
  local_slot().in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::request_finished(unsigned route, unsigned status, double seconds) {
  Slot& s = local_slot();
  s.in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (route >= routes_.size()) route = 0;
  if (status < kMinStatus || status > kMaxStatus) status = kMaxStatus;
  bump(s.by_status[route * kStatuses + (status - kMinStatus)]);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  bump(s.buckets[route * (kBuckets.size() + 1) + b]);
  bump(s.sum_micros[route], static_cast<std::uint64_t>(seconds * 1e6));
}

void Metrics::connection_opened() {
  Slot& s = local_slot();
  s.connections.fetch_add(1, std::memory_order_relaxed);
  bump(s.accepted);
}

void Metrics::connection_closed() {
  local_slot().connections.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::render(std::string& out) const {
  PrometheusWriter w(out);
  render(w);
}

void Metrics::render(PrometheusWriter& w) const {
  const std::size_t nroutes = routes_.size();
  std::vector<std::uint64_t> by_status(nroutes * kStatuses);
  std::vector<std::uint64_t> buckets(nroutes * (kBuckets.size() + 1));
  std::vector<std::uint64_t> sums(nroutes);
  std::int64_t in_flight = 0;
  std::int64_t connections = 0;
  std::uint64_t accepted = 0;
  slots_.for_each([&](const Slot& slot) {
    for (std::size_t i = 0; i < by_status.size(); ++i) {
      by_status[i] += slot.by_status[i].load(std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      buckets[i] += slot.buckets[i].load(std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < sums.size(); ++i) {
      sums[i] += slot.sum_micros[i].load(std::memory_order_relaxed);
    }
    in_flight += slot.in_flight.load(std::memory_order_relaxed);
    connections += slot.connections.load(std::memory_order_relaxed);
    accepted += slot.accepted.load(std::memory_order_relaxed);
  });

  const std::string& p = prefix_;
  const std::string requests = p + "_requests_total";
  w.family(requests, MetricType::counter, "HTTP requests answered, by route and status.");
  for (std::size_t r = 0; r < nroutes; ++r) {
    for (unsigned s = 0; s < kStatuses; ++s) {
      const auto n = by_status[r * kStatuses + s];
      if (n == 0) continue;
      const std::string status = std::to_string(kMinStatus + s);
      w.sample(requests, {{"route", routes_[r]}, {"status", status}}, n);
    }
  }

  const std::string duration = p + "_request_duration_seconds";
  w.family(duration, MetricType::histogram,
           "Time from the first byte of a request to the last byte of its response.");
  for (std::size_t r = 0; r < nroutes; ++r) {
    const std::span<const std::uint64_t> counts(&buckets[r * (kBuckets.size() + 1)],
                                                kBuckets.size() + 1);
    w.histogram(duration, {{"route", routes_[r]}}, kBuckets, counts,
                static_cast<double>(sums[r]) / 1e6);
  }

  w.family(p + "_requests_in_flight", MetricType::gauge, "Requests being handled now.");
  w.sample(p + "_requests_in_flight", {}, in_flight);
  w.family(p + "_connections_open", MetricType::gauge, "Client connections open now.");
  w.sample(p + "_connections_open", {}, connections);
  w.family(p + "_connections_total", MetricType::counter, "Client connections accepted.");
  w.sample(p + "_connections_total", {}, accepted);
}

}  // namespace conv::http
