#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"

namespace conv::balancer {

// Recent traffic per upstream, for /status, /history and the status page: sampled once a
// second on the control thread, read by the admin thread. recent() covers the last ~10 s;
// history() each of the last 5 minutes' seconds (the status page's sparklines).
class StatsSampler {
 public:
  struct Recent {
    double requests_per_second = 0;  // attempts
    double error_rate = 0;           // (failed attempts + 5xx answers) / attempts
    double mean_latency_ms = 0;      // to the response head
  };
  // One upstream's second. Latencies are from the response-time histogram (its buckets'
  // resolution); nothing when no answer came in that second.
  struct Point {
    float requests_per_second = 0;
    float error_rate = 0;
    std::optional<float> p50_ms, p99_ms;
  };
  static constexpr std::size_t kHistorySeconds = 300;

  StatsSampler(boost::asio::io_context& control, const UpstreamTable& upstreams,
               const PoolSet& pools);
  void start();
  void stop();
  void sample();  // takes one sample now (the timer calls it every second)
  std::vector<Recent> recent() const;
  // The seconds sampled, oldest first (at most kHistorySeconds), each with a Point for every
  // upstream there was then (an upstream added later is missing from older seconds).
  std::vector<std::vector<Point>> history() const;

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    std::vector<std::uint64_t> attempts, errors, answered, micros;
    std::vector<std::array<std::uint64_t, UpstreamCounters::kBuckets.size() + 1>> buckets;
  };
  static std::vector<Point> second(const Sample& a, const Sample& b);
  const UpstreamTable& upstreams_;
  const PoolSet& pools_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mutex_;
  std::deque<Sample> samples_;              // oldest first, at most kWindow + 1
  std::deque<std::vector<Point>> history_;  // oldest first, at most kHistorySeconds
  std::shared_ptr<bool> alive_;
};

}  // namespace conv::balancer
