#include "conv/balancer/admin/sampler.hpp"

#include <algorithm>

#include "conv/balancer/admin/latency_quantile.hpp"
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
    s.buckets.push_back(t.buckets);
  }
  std::lock_guard lock(mutex_);
  if (!samples_.empty()) {
    history_.push_back(second(samples_.back(), s));
    while (history_.size() > kHistorySeconds) history_.pop_front();
  }
  samples_.push_back(std::move(s));
  while (samples_.size() > kWindow + 1) samples_.pop_front();
}

std::vector<StatsSampler::Point> StatsSampler::second(const Sample& a, const Sample& b) {
  const double seconds = std::chrono::duration<double>(b.at - a.at).count();
  std::vector<Point> out(b.attempts.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool known = i < a.attempts.size();  // else added since: counted from zero
    const auto attempts = static_cast<double>(b.attempts[i] - (known ? a.attempts[i] : 0));
    const auto errors = static_cast<double>(b.errors[i] - (known ? a.errors[i] : 0));
    std::array<std::uint64_t, UpstreamCounters::kBuckets.size() + 1> answered{};
    for (std::size_t k = 0; k < answered.size(); ++k) {
      answered[k] = b.buckets[i][k] - (known ? a.buckets[i][k] : 0);
    }
    Point& p = out[i];
    p.requests_per_second = seconds > 0 ? static_cast<float>(attempts / seconds) : 0;
    p.error_rate = attempts > 0 ? static_cast<float>(std::min(1.0, errors / attempts)) : 0;
    if (const auto p50 = latency_quantile_ms(answered, 0.5)) p.p50_ms = static_cast<float>(*p50);
    if (const auto p99 = latency_quantile_ms(answered, 0.99)) p.p99_ms = static_cast<float>(*p99);
  }
  return out;
}

std::vector<std::vector<StatsSampler::Point>> StatsSampler::history() const {
  std::lock_guard lock(mutex_);
  return {history_.begin(), history_.end()};
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
