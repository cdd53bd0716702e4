#include "conv/converter/feeds/refresh_stats.hpp"

#include <gtest/gtest.h>

#include "conv/http/prometheus_writer.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;

chr::sys_seconds at(const char* iso, int hour) {
  return chr::sys_seconds(chr::seconds(Date::parse(iso)->epoch_seconds())) + chr::hours(hour);
}

TEST(RefreshStats, CountsFetchesByResultAndFailuresByReason) {
  RefreshStats stats;
  auto& ecb = stats.add("ecb", Provider::ecb);
  ecb.count_failure(FetchFailure::timeout);
  ecb.count_failure(FetchFailure::timeout);
  ecb.count_failure(FetchFailure::implausible);
  ecb.count_success(at("2024-10-04", 14));
  EXPECT_EQ(ecb.fetches_ok(), 1u);
  EXPECT_EQ(ecb.fetches_failed(), 3u);
  EXPECT_EQ(ecb.failures(FetchFailure::timeout), 2u);
  EXPECT_EQ(ecb.failures(FetchFailure::malformed), 0u);
  EXPECT_EQ(ecb.last_success(), at("2024-10-04", 14).time_since_epoch().count());
}

TEST(RefreshStats, WritesThePrometheusFamilies) {
  RefreshStats stats;
  auto& ecb = stats.add("ecb", Provider::ecb);
  stats.add("bcb_ptax", Provider::bcb_ptax);
  ecb.count_success(at("2024-10-04", 15));
  ecb.count_failure(FetchFailure::connect_refused);
  ecb.set_latest(*Date::parse("2024-10-04"));
  stats.set_in_force(0);
  std::string out;
  http::PrometheusWriter w(out);
  write_refresh_metrics(w, stats, at("2024-10-07", 16));
  for (const char* line : {
           "# TYPE conv_rates_fetches_total counter\n",
           "conv_rates_fetches_total{provider=\"ecb\",result=\"ok\"} 1\n",
           "conv_rates_fetches_total{provider=\"ecb\",result=\"failed\"} 1\n",
           "conv_rates_fetches_total{provider=\"bcb_ptax\",result=\"ok\"} 0\n",
           "conv_rates_fetch_failures_total{provider=\"ecb\",reason=\"connect_refused\"} 1\n",
           "conv_rates_fetch_failures_total{provider=\"bcb_ptax\",reason=\"timeout\"} 0\n",
           "conv_rates_age_seconds{provider=\"ecb\"} 266400\n",    // Friday 14:00 to Monday 16:00
           "conv_rates_overdue_seconds{provider=\"ecb\"} 7200\n",  // Monday's due at 14:00
           "conv_rates_in_force{provider=\"ecb\"} 1\n",
           "conv_rates_in_force{provider=\"bcb_ptax\"} 0\n",
       }) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\nin:\n" << out;
  }
  // No age for a provider without rates, no last success before one.
  EXPECT_EQ(out.find("conv_rates_age_seconds{provider=\"bcb_ptax\"}"), std::string::npos);
  EXPECT_EQ(out.find("conv_rates_last_success_timestamp_seconds{provider=\"bcb_ptax\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace conv::converter
