#include "conv/converter/feeds/feed_source.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

PublishedDay ptax(const char* iso, const char* code, const char* rate) {
  PublishedDay d;
  d.date = *Date::parse(iso);
  d.provider = "bcb_ptax";
  d.base = "BRL";
  d.direction = PublishedDay::Direction::in_base;
  d.rates.emplace(code, *Decimal::parse(rate));
  return d;
}

TEST(FeedSource, AnswersForTheSameDayAreUnitedOldestFirst) {
  const auto days =
      merge_by_date({ptax("2024-10-03", "USD", "5.4477"), ptax("2024-10-02", "USD", "5.4459"),
                     ptax("2024-10-03", "EUR", "6.0135")});
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].date.text(), "2024-10-02");
  EXPECT_EQ(days[1].rates.size(), 2u);
  EXPECT_EQ(days[1].rates.at("EUR").to_string(), "6.0135");
}

TEST(FeedSource, ContradictoryAnswersForADayAreRefused) {
  EXPECT_THROW(
      merge_by_date({ptax("2024-10-03", "USD", "5.4477"), ptax("2024-10-03", "USD", "5.5")}),
      FeedError);
  auto other_base = ptax("2024-10-03", "EUR", "6.0135");
  other_base.base = "EUR";
  EXPECT_THROW(merge_by_date({ptax("2024-10-03", "USD", "5.4477"), other_base}), FeedError);
  // The same rate twice (overlapping periods) is no contradiction.
  EXPECT_EQ(
      merge_by_date({ptax("2024-10-03", "USD", "5.4477"), ptax("2024-10-03", "USD", "5.44770")})
          .size(),
      1u);
}

TEST(FeedSource, JoinsAConfiguredBaseAndAFileWithOneSlash) {
  EXPECT_EQ(join_url("http://127.0.0.1:9/", "/x.xml"), "http://127.0.0.1:9/x.xml");
  EXPECT_EQ(join_url("http://127.0.0.1:9", "x.xml"), "http://127.0.0.1:9/x.xml");
}

}  // namespace
}  // namespace conv::converter
