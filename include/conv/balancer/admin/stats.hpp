#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"

namespace conv::balancer {

class BalancerHandler;

// One upstream's counters summed over every thread.
struct UpstreamTotals {
  std::uint64_t attempts = 0;
  std::uint64_t retries = 0;
  std::uint64_t connect_failures = 0;
  std::array<std::uint64_t, 5> responses{};
  std::array<std::uint64_t, UpstreamCounters::kBuckets.size() + 1> buckets{};
  std::uint64_t time_micros = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t pooled = 0;
  std::uint64_t discarded = 0;
  std::uint64_t answered() const;  // responses of every class
};

// The totals of upstreams [0, n). Locks the pool registry: for scrapes, not requests.
std::vector<UpstreamTotals> sum_counters(const PoolSet& pools, std::size_t n);

// Reloads done and refused, for /metrics and /status.
struct ReloadStats {
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
};

// Recent traffic per upstream (the last ~10 s), for /status and the status page: sampled once
// a second on the control thread, read by the admin thread.
class StatsSampler {
 public:
  struct Recent {
    double requests_per_second = 0;  // attempts
    double error_rate = 0;           // (failed attempts + 5xx answers) / attempts
    double mean_latency_ms = 0;      // to the response head
  };

  StatsSampler(boost::asio::io_context& control, const UpstreamTable& upstreams,
               const PoolSet& pools);
  void start();
  void stop();
  void sample();  // takes one sample now (the timer calls it every second)
  std::vector<Recent> recent() const;

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    std::vector<std::uint64_t> attempts, errors, answered, micros;
  };
  const UpstreamTable& upstreams_;
  const PoolSet& pools_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mutex_;
  std::deque<Sample> samples_;  // oldest first, at most kWindow + 1
  std::shared_ptr<bool> alive_;
};

// The balancer's Prometheus text: the client-side HTTP series, then per upstream and global.
void render_balancer_metrics(const BalancerHandler& h, const ReloadStats* reloads,
                             std::string& out);

// GET /status: the policy and every upstream that is not removed, as JSON.
std::string render_status(const BalancerHandler& h, const StatsSampler& sampler,
                          const ReloadStats& reloads);

// One upstream as a JSON object (also the answer to a runtime control request).
std::string render_upstream(const BalancerHandler& h, const Upstream& u,
                            const StatsSampler::Recent* recent, double share,
                            const UpstreamTotals* totals);

}  // namespace conv::balancer
