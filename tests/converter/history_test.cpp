#include "conv/converter/history.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

Date day(const char* iso) {
  return *Date::parse(iso);
}

PublishedDay ecb(const char* iso, const char* usd, const char* brl) {
  PublishedDay d;
  d.date = day(iso);
  d.provider = "ecb";
  d.base = "EUR";
  d.direction = PublishedDay::Direction::per_base;
  d.rates.emplace("USD", *Decimal::parse(usd));
  d.rates.emplace("BRL", *Decimal::parse(brl));
  return d;
}

TEST(RateHistory, AWeekendOrHolidayUsesTheLastEarlierDay) {
  // Thursday 3, Friday 4, Monday 7 October 2024; given out of order.
  const RateHistory h({ecb("2024-10-07", "1.0982", "6.0327"), ecb("2024-10-03", "1.1036", "6.0232"),
                       ecb("2024-10-04", "1.0994", "6.0119")});
  EXPECT_EQ(h.on(day("2024-10-04"))->date.text(), "2024-10-04");
  EXPECT_EQ(h.on(day("2024-10-05"))->date.text(), "2024-10-04");  // Saturday
  EXPECT_EQ(h.on(day("2024-10-06"))->date.text(), "2024-10-04");  // Sunday
  EXPECT_EQ(h.on(day("2024-10-07"))->date.text(), "2024-10-07");
  EXPECT_EQ(h.on(day("2030-01-01"))->date.text(), "2024-10-07");
  EXPECT_EQ(h.on(day("2024-10-02")), nullptr);  // before the first day
  EXPECT_EQ(h.latest()->date.text(), "2024-10-07");
  const auto week = h.between(day("2024-10-04"), day("2024-10-06"));
  ASSERT_EQ(week.size(), 1u);
  EXPECT_EQ(week[0].date.text(), "2024-10-04");
  EXPECT_EQ(h.between(day("2024-10-01"), day("2024-10-31")).size(), 3u);
  EXPECT_TRUE(h.between(day("2024-10-05"), day("2024-10-06")).empty());
}

TEST(RateHistory, RefusesADayTwiceAndMixedBases) {
  EXPECT_THROW(RateHistory({ecb("2024-10-03", "1.1", "6"), ecb("2024-10-03", "1.2", "6")}),
               FeedError);
  PublishedDay ptax = ecb("2024-10-04", "1.1", "6");
  ptax.base = "BRL";
  EXPECT_THROW(RateHistory({ecb("2024-10-03", "1.1", "6"), ptax}), FeedError);
}

}  // namespace
}  // namespace conv::converter
