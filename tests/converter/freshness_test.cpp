#include "conv/converter/freshness.hpp"

#include <gtest/gtest.h>

#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;

chr::sys_seconds at(int y, unsigned m, unsigned d, int hour) {
  return chr::sys_days{chr::year{y} / m / d} + chr::hours(hour);
}

const RateTable& friday(const char* provider = "ecb") {
  static const RateTable ecb = table_from_day(published_day("2024-10-04", "USD=1.0994"));
  static const RateTable ptax =
      table_from_day(published_day("2024-10-04", "USD=5.4516", "bcb_ptax"));
  return std::string_view(provider) == "ecb" ? ecb : ptax;
}

TEST(AnswerFreshness, CachesUntilTheNextExpectedPublication) {
  // Friday's ECB rates; the next are due on Monday at 16:00 in Frankfurt, 14:00 UTC (CEST).
  const auto f = freshness_of(friday(), at(2024, 10, 5, 12), {});
  EXPECT_FALSE(f.stale);
  EXPECT_EQ(f.cache_control, "public, max-age=" + std::to_string(50 * 3600));
  // PTAX: Monday, 13:00 in Brasília, 16:00 UTC.
  const auto p = freshness_of(friday("bcb_ptax"), at(2024, 10, 5, 12), {});
  EXPECT_EQ(p.cache_control, "public, max-age=" + std::to_string(52 * 3600));
}

TEST(AnswerFreshness, OverdueRatesAreCachedAMinuteAndStaleAfterThePolicysDelay) {
  const StalePolicy six_hours;
  const auto late = freshness_of(friday(), at(2024, 10, 7, 15), six_hours);
  EXPECT_FALSE(late.stale);
  EXPECT_EQ(late.cache_control, "public, max-age=60");
  EXPECT_FALSE(freshness_of(friday(), at(2024, 10, 7, 20), six_hours).stale);  // exactly 6 h
  EXPECT_TRUE(freshness_of(friday(), at(2024, 10, 7, 21), six_hours).stale);
  const StalePolicy strict{chr::seconds(0), true};
  EXPECT_TRUE(freshness_of(friday(), at(2024, 10, 7, 15), strict).stale);
}

TEST(AnswerFreshness, HolidaysPushTheNextPublicationBack) {
  // Maundy Thursday 2024: Good Friday and Easter Monday are TARGET2 holidays, so the next
  // rates are due on Tuesday 2 April at 14:00 UTC (summer time began on 31 March).
  const RateTable thursday = table_from_day(published_day("2024-03-28", "USD=1.0811"));
  const auto f = freshness_of(thursday, at(2024, 4, 1, 12), {});
  EXPECT_FALSE(f.stale);
  EXPECT_EQ(f.cache_control, "public, max-age=" + std::to_string(26 * 3600));
}

TEST(AnswerFreshness, ADaySettlesTheDaysUpToItsProvidersNextPublishingDay) {
  const auto date = [](const char* iso) { return *Date::parse(iso); };
  // Friday's rates are Friday's and the weekend's for good; Monday's may still come.
  for (const char* provider : {"ecb", "bcb_ptax"}) {
    EXPECT_TRUE(settled_on(friday(provider), date("2024-10-04"))) << provider;
    EXPECT_TRUE(settled_on(friday(provider), date("2024-10-06"))) << provider;
    EXPECT_FALSE(settled_on(friday(provider), date("2024-10-07"))) << provider;
    EXPECT_FALSE(settled_on(friday(provider), date("9999-12-31"))) << provider;
  }
  // Maundy Thursday 2024: the ECB publishes nothing from Good Friday to Easter Monday.
  const RateTable thursday = table_from_day(published_day("2024-03-28", "USD=1.0811"));
  EXPECT_TRUE(settled_on(thursday, date("2024-04-01")));
  EXPECT_FALSE(settled_on(thursday, date("2024-04-02")));
  // A rates file has no calendar: it may change any day.
  EXPECT_FALSE(settled_on(original_rates(), date(original_rates().as_of.c_str())));
}

TEST(AnswerFreshness, RatesWithoutAScheduleAreNeverStale) {
  const auto f = freshness_of(original_rates(), at(2030, 1, 1, 0), {});
  EXPECT_FALSE(f.stale);
  EXPECT_TRUE(f.cache_control.empty());
  EXPECT_EQ(scheduled_provider("file"), std::nullopt);
  EXPECT_EQ(scheduled_provider("ecb"), Provider::ecb);
}

}  // namespace
}  // namespace conv::converter
