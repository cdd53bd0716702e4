#include "conv/balancer/admin/sampler.hpp"

#include <algorithm>

#include "conv/balancer/admin/upstream_totals.hpp"

namespace conv::balancer {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kWindow = 10;  // samples of a second each

}  // namespace

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
    s.errors.push_back(upstreams_[i].failures() + t.responses[4]);
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

}  // namespace conv::balancer
