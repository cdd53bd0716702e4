#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conv/http/prometheus_writer.hpp"
#include "conv/util/per_thread.hpp"

namespace conv::http {

// Request counters and a latency histogram by route and status, in the Prometheus text
// format. Each thread records into its own slot (relaxed atomics, written by one thread),
// so recording never contends; rendering sums the slots.
class Metrics {
 public:
  // Histogram bucket upper bounds, in seconds.
  // Up to 60 s: a slow upstream answers within timeouts.response (30 s by default).
  static constexpr std::array<double, 18> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                      1.0,    2.5,     5.0,    10.0,  30.0,   60.0};

  // `prefix` names the metric family ("conv_http"); `routes[0]` is the label of requests that
  // matched no route.
  Metrics(std::string prefix, std::vector<std::string> routes);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void request_started();
  void request_finished(unsigned route, unsigned status, double seconds);
  void request_abandoned();  // started, never answered (the client went away)
  void connection_opened();
  void connection_closed();

  // Appends this registry's series to `out`.
  void render(std::string& out) const;
  // The same through a writer another registry shares (one HELP and TYPE per family).
  void render(PrometheusWriter& w) const;

  const std::vector<std::string>& routes() const { return routes_; }

 private:
  struct Slot;
  Slot& local_slot();

  std::string prefix_;
  std::vector<std::string> routes_;
  util::PerThread<Slot> slots_;
};

}  // namespace conv::http
