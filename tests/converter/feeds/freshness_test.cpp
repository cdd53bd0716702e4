#include "conv/converter/feeds/freshness.hpp"

#include <gtest/gtest.h>

#include "moved_clock.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;

TEST(Freshness, AgeCountsFromThePublicationOfTheLatestDay) {
  // Friday's ECB rates (14:00 UTC) on Monday at 08:00.
  EXPECT_EQ(rates_age(Provider::ecb, day("2024-10-04"), at("2024-10-07", 8)), chr::hours(66));
  EXPECT_EQ(rates_age(Provider::ecb, day("2024-10-04"), at("2024-10-04", 13)), chr::seconds(0));
}

TEST(Freshness, OverdueCountsFromTheNextPublicationDue) {
  // Friday's rates are not overdue until Monday's publication is due.
  EXPECT_EQ(overdue(Provider::ecb, day("2024-10-04"), at("2024-10-07", 8)), chr::seconds(0));
  EXPECT_EQ(overdue(Provider::ecb, day("2024-10-04"), at("2024-10-07", 16)), chr::hours(2));
  // Over Christmas (TARGET2 closed on the 25th and 26th, winter time 15:00 UTC).
  EXPECT_EQ(overdue(Provider::ecb, day("2024-12-24"), at("2024-12-26", 23)), chr::seconds(0));
  EXPECT_EQ(overdue(Provider::bcb_ptax, day("2024-10-03"), at("2024-10-04", 17)), chr::hours(1));
}

TEST(Freshness, TheFirstProviderNotOverdueIsInForce) {
  const auto now = at("2024-10-07", 20);
  const std::vector<ProviderFreshness> both = {{Provider::ecb, day("2024-10-07")},
                                               {Provider::bcb_ptax, day("2024-10-07")}};
  EXPECT_EQ(choose_in_force(both, now, chr::hours(6)), 0u);
  // The first has fallen behind by more than the margin: the second takes over.
  const std::vector<ProviderFreshness> behind = {{Provider::ecb, day("2024-10-03")},
                                                 {Provider::bcb_ptax, day("2024-10-07")}};
  EXPECT_EQ(choose_in_force(behind, now, chr::hours(6)), 1u);
  EXPECT_EQ(choose_in_force(behind, now, chr::hours(200)), 0u);
}

TEST(Freshness, OldRatesBeatNone) {
  const auto now = at("2024-10-07", 20);
  const std::vector<ProviderFreshness> old = {{Provider::ecb, std::nullopt},
                                              {Provider::bcb_ptax, day("2024-09-02")},
                                              {Provider::ecb, day("2024-09-01")}};
  EXPECT_EQ(choose_in_force(old, now, chr::hours(6)), 1u);
  const std::vector<ProviderFreshness> none = {{Provider::ecb, std::nullopt}};
  EXPECT_EQ(choose_in_force(none, now, chr::hours(6)), std::nullopt);
}

TEST(Freshness, WithoutACalendarNothingIsEverOverdue) {
  // An operator's file of 1 September, on a Monday in October.
  EXPECT_EQ(overdue(std::nullopt, day("2024-09-01"), at("2024-10-07", 20)), chr::seconds(0));
  EXPECT_EQ(rates_age(std::nullopt, day("2024-10-07"), at("2024-10-07", 20)), chr::hours(20));
  // So an overdue ECB gives way to the file, and takes over again once it is fresh.
  const std::vector<ProviderFreshness> stale = {{Provider::ecb, day("2024-10-01")},
                                                {std::nullopt, day("2024-10-01")}};
  EXPECT_EQ(choose_in_force(stale, at("2024-10-07", 20), chr::hours(24)), 1u);
  const std::vector<ProviderFreshness> fresh = {{Provider::ecb, day("2024-10-07")},
                                                {std::nullopt, day("2024-10-07")}};
  EXPECT_EQ(choose_in_force(fresh, at("2024-10-07", 20), chr::hours(24)), 0u);
}

}  // namespace
}  // namespace conv::converter
