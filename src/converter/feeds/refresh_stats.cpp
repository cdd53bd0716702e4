#include "conv/converter/feeds/refresh_stats.hpp"

#include "conv/converter/feeds/freshness.hpp"
#include "conv/http/prometheus_writer.hpp"

namespace conv::converter {

namespace chr = std::chrono;
using http::MetricType;

void ProviderStats::count_success(chr::sys_seconds now) {
  ok_.fetch_add(1, std::memory_order_relaxed);
  last_success_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
}

void ProviderStats::count_failure(FetchFailure why) {
  failed_.fetch_add(1, std::memory_order_relaxed);
  failures_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
}

void ProviderStats::set_latest(std::optional<Date> day) {
  latest_.store(day ? day->days() : kNoDay, std::memory_order_relaxed);
}

std::uint64_t ProviderStats::failures(FetchFailure why) const {
  return failures_[static_cast<std::size_t>(why)].load(std::memory_order_relaxed);
}

std::optional<Date> ProviderStats::latest() const {
  const std::int32_t d = latest_.load(std::memory_order_relaxed);
  if (d == kNoDay) return std::nullopt;
  return Date::from_days(d);
}

ProviderStats& RefreshStats::add(std::string name, std::optional<Provider> schedule) {
  providers_.push_back(std::make_unique<ProviderStats>(std::move(name), schedule));
  return *providers_.back();
}

namespace {

void write_counters(http::PrometheusWriter& w, const RefreshStats& stats) {
  w.family("conv_rates_fetches_total", MetricType::counter,
           "Fetches of a rates provider's feed, by result.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const auto& p = stats.at(i);
    w.sample("conv_rates_fetches_total", {{"provider", p.name()}, {"result", "ok"}},
             p.fetches_ok());
    w.sample("conv_rates_fetches_total", {{"provider", p.name()}, {"result", "failed"}},
             p.fetches_failed());
  }
  w.family("conv_rates_fetch_failures_total", MetricType::counter,
           "Failed fetches of a rates provider's feed, by reason; the rates in force were kept.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    for (const FetchFailure f : kAllFetchFailures) {
      w.sample("conv_rates_fetch_failures_total",
               {{"provider", stats.at(i).name()}, {"reason", to_string(f)}},
               stats.at(i).failures(f));
    }
  }
}

// Each family's samples follow its own HELP and TYPE lines, as the format requires.
void write_freshness(http::PrometheusWriter& w, const RefreshStats& stats, chr::sys_seconds now) {
  w.family("conv_rates_last_success_timestamp_seconds", MetricType::gauge,
           "When a fetch of the provider last succeeded (since start).");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const auto& p = stats.at(i);
    if (p.last_success() == 0) continue;
    w.sample("conv_rates_last_success_timestamp_seconds", {{"provider", p.name()}},
             p.last_success());
  }
  w.family("conv_rates_age_seconds", MetricType::gauge,
           "Time since the provider's latest day held was published.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const auto& p = stats.at(i);
    if (const auto latest = p.latest()) {
      w.sample("conv_rates_age_seconds", {{"provider", p.name()}},
               rates_age(p.schedule(), *latest, now).count());
    }
  }
  w.family("conv_rates_overdue_seconds", MetricType::gauge,
           "Time since a newer publication of the provider was expected; 0 while up to date.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const auto& p = stats.at(i);
    if (const auto latest = p.latest()) {
      w.sample("conv_rates_overdue_seconds", {{"provider", p.name()}},
               overdue(p.schedule(), *latest, now).count());
    }
  }
}

void write_in_force(http::PrometheusWriter& w, const RefreshStats& stats) {
  w.family("conv_rates_in_force", MetricType::gauge,
           "1 for the provider whose rates answer requests, else 0.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    w.sample("conv_rates_in_force", {{"provider", stats.at(i).name()}},
             stats.in_force() == static_cast<int>(i) ? 1 : 0);
  }
}

}  // namespace

void write_refresh_metrics(http::PrometheusWriter& w, const RefreshStats& stats,
                           chr::sys_seconds now) {
  write_counters(w, stats);
  write_freshness(w, stats, now);
  write_in_force(w, stats);
}

}  // namespace conv::converter
