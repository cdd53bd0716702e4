#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// The proxy's settings a reload may change while requests run: plain atomics, read with a
// relaxed load where used. An exchange may see some old and some new values across a reload;
// each is valid on its own.
class ProxySettings {
 public:
  explicit ProxySettings(const BalancerConfig& c) { apply(c); }
  void apply(const BalancerConfig& c);

  std::chrono::milliseconds connect_timeout() const { return ms(connect_ms_); }
  std::chrono::milliseconds response_timeout() const { return ms(response_ms_); }
  std::chrono::milliseconds retry_timeout() const { return ms(retry_ms_); }
  std::chrono::milliseconds tunnel_timeout() const { return ms(tunnel_ms_); }
  unsigned tries() const { return tries_.load(std::memory_order_relaxed); }
  unsigned outlier_5xx() const { return outlier_5xx_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds ejection() const { return ms(ejection_ms_); }
  double budget_ratio() const { return budget_ratio_.load(std::memory_order_relaxed); }
  unsigned budget_min() const { return budget_min_.load(std::memory_order_relaxed); }
  RequestIdMode request_id() const { return request_id_.load(std::memory_order_relaxed); }

 private:
  static std::chrono::milliseconds ms(const std::atomic<std::int64_t>& a) {
    return std::chrono::milliseconds(a.load(std::memory_order_relaxed));
  }
  std::atomic<std::int64_t> connect_ms_{0};
  std::atomic<std::int64_t> response_ms_{0};
  std::atomic<std::int64_t> retry_ms_{0};
  std::atomic<std::int64_t> tunnel_ms_{0};
  std::atomic<unsigned> tries_{1};
  std::atomic<unsigned> outlier_5xx_{0};
  std::atomic<std::int64_t> ejection_ms_{0};
  std::atomic<double> budget_ratio_{0};
  std::atomic<unsigned> budget_min_{0};
  std::atomic<RequestIdMode> request_id_{RequestIdMode::keep};
};

}  // namespace conv::balancer
