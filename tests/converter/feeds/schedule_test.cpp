#include "conv/converter/feeds/schedule.hpp"

#include <gtest/gtest.h>

#include "moved_clock.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;

TEST(Schedule, EasterFollowsTheGregorianComputus) {
  EXPECT_EQ(easter(2024).text(), "2024-03-31");
  EXPECT_EQ(easter(2025).text(), "2025-04-20");
  EXPECT_EQ(easter(2026).text(), "2026-04-05");
  EXPECT_EQ(easter(2038).text(), "2038-04-25");  // the latest possible
  EXPECT_EQ(easter(2285).text(), "2285-03-22");  // the earliest possible
}

TEST(Schedule, EachProviderHasItsOwnClosingDays) {
  for (const char* closed : {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-01", "2024-12-25",
                             "2024-12-26", "2024-10-05", "2024-10-06"}) {
    EXPECT_FALSE(publishes_on(Provider::ecb, day(closed))) << closed;
  }
  EXPECT_TRUE(publishes_on(Provider::ecb, day("2024-10-03")));
  EXPECT_TRUE(publishes_on(Provider::ecb, day("2024-11-20")));  // a Brazilian holiday only
  for (const char* closed : {"2024-02-12", "2024-02-13", "2024-03-29", "2025-04-21", "2024-05-30",
                             "2024-09-07", "2024-11-20", "2024-11-15"}) {
    EXPECT_FALSE(publishes_on(Provider::bcb_ptax, day(closed))) << closed;
  }
  EXPECT_TRUE(publishes_on(Provider::bcb_ptax, day("2024-04-01")));  // Easter Monday: open
  // A holiday on a Sunday is not moved to the Monday (Tiradentes 2024).
  EXPECT_TRUE(publishes_on(Provider::bcb_ptax, day("2024-04-22")));
  EXPECT_TRUE(publishes_on(Provider::bcb_ptax, day("2023-11-20")));  // before the 2024 law
}

TEST(Schedule, PublicationTimesFollowEuropeanSummerTime) {
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-01-15")), at("2024-01-15", 15));
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-07-15")), at("2024-07-15", 14));
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-03-29")), at("2024-03-29", 15));  // before
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-04-02")), at("2024-04-02", 14));  // after
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-10-25")), at("2024-10-25", 14));
  EXPECT_EQ(expected_at(Provider::ecb, day("2024-10-28")), at("2024-10-28", 15));
  EXPECT_EQ(expected_at(Provider::bcb_ptax, day("2024-07-15")), at("2024-07-15", 16));
}

TEST(Schedule, TheNextPublicationSkipsClosedDays) {
  // Thursday 3 Oct 2024 before and after 14:00 UTC, then Friday, then the weekend.
  EXPECT_EQ(next_publication(Provider::ecb, at("2024-10-03", 9)), at("2024-10-03", 14));
  EXPECT_EQ(next_publication(Provider::ecb, at("2024-10-03", 14)), at("2024-10-04", 14));
  EXPECT_EQ(next_publication(Provider::ecb, at("2024-10-04", 15)), at("2024-10-07", 14));
  // Maundy Thursday 2024 (28 March) after publishing: Good Friday and Easter Monday closed.
  EXPECT_EQ(next_publication(Provider::ecb, at("2024-03-28", 20)), at("2024-04-02", 14));
  // Carnival 2024: Monday 12 and Tuesday 13 February closed for PTAX.
  EXPECT_EQ(next_publication(Provider::bcb_ptax, at("2024-02-09", 17)), at("2024-02-14", 16));
}

}  // namespace
}  // namespace conv::converter
