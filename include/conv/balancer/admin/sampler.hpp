#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "conv/balancer/model/upstream_table.hpp"
#include "conv/balancer/proxy/pool.hpp"

namespace conv::balancer {

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

}  // namespace conv::balancer
