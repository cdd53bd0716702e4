#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv/converter/date.hpp"
#include "conv/converter/feeds/fetch_failure.hpp"
#include "conv/converter/feeds/schedule.hpp"

namespace conv::http {
class PrometheusWriter;
}

namespace conv::converter {

// One provider's fetch counters. Written by the refresher's thread only; read by any thread
// (/metrics, tests) through relaxed atomics: each number is exact, a scrape may see one fetch
// counted and not yet its failure reason, which the next scrape shows.
class ProviderStats {
 public:
  static constexpr std::int32_t kNoDay = INT32_MIN;

  ProviderStats(std::string name, std::optional<Provider> schedule)
      : name_(std::move(name)), schedule_(schedule) {}
  ProviderStats(const ProviderStats&) = delete;
  ProviderStats& operator=(const ProviderStats&) = delete;

  void count_success(std::chrono::sys_seconds now);
  void count_failure(FetchFailure why);
  void set_latest(std::optional<Date> day);

  const std::string& name() const { return name_; }
  std::optional<Provider> schedule() const { return schedule_; }
  std::uint64_t fetches_ok() const { return ok_.load(std::memory_order_relaxed); }
  std::uint64_t fetches_failed() const { return failed_.load(std::memory_order_relaxed); }
  std::uint64_t failures(FetchFailure why) const;
  // Unix seconds of the last successful fetch; 0: none since start.
  std::int64_t last_success() const { return last_success_.load(std::memory_order_relaxed); }
  std::optional<Date> latest() const;

 private:
  const std::string name_;
  const std::optional<Provider> schedule_;
  std::atomic<std::uint64_t> ok_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::array<std::atomic<std::uint64_t>, kFetchFailureCount> failures_{};
  std::atomic<std::int64_t> last_success_{0};
  std::atomic<std::int32_t> latest_{kNoDay};
};

// Every provider's counters, in priority order, and which one is in force.
class RefreshStats {
 public:
  static constexpr int kNone = -1;

  ProviderStats& add(std::string name,
                     std::optional<Provider> schedule);  // before other threads read
  std::size_t size() const { return providers_.size(); }
  const ProviderStats& at(std::size_t i) const { return *providers_[i]; }
  ProviderStats& at(std::size_t i) { return *providers_[i]; }
  void set_in_force(int index) { in_force_.store(index, std::memory_order_relaxed); }
  int in_force() const { return in_force_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::unique_ptr<ProviderStats>> providers_;
  std::atomic<int> in_force_{kNone};
};

// The refresher's metrics, for a role's /metrics:
//   conv_rates_fetches_total{provider,result="ok"|"failed"}
//   conv_rates_fetch_failures_total{provider,reason}  (every reason, zeros included)
//   conv_rates_last_success_timestamp_seconds{provider}  (when a fetch succeeded since start)
//   conv_rates_age_seconds{provider}, conv_rates_overdue_seconds{provider}  (when rates held)
//   conv_rates_in_force{provider}  1 for the provider whose rates answer, else 0
void write_refresh_metrics(http::PrometheusWriter& w, const RefreshStats& stats,
                           std::chrono::sys_seconds now);

}  // namespace conv::converter
