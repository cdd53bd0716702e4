#include "conv/converter/catalog.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

Date d(const char* iso) {
  return *Date::parse(iso);
}

TEST(RatesCatalog, AWeekendOrHolidayHasTheLastEarlierDaysRates) {
  const auto& c = ecb_catalog();
  EXPECT_EQ(c.on(d("2024-10-04"))->as_of, "2024-10-04");
  EXPECT_EQ(c.on(d("2024-10-05"))->as_of, "2024-10-04");  // Saturday
  EXPECT_EQ(c.on(d("2024-10-06"))->as_of, "2024-10-04");  // Sunday
  EXPECT_EQ(c.on(d("2024-10-07"))->as_of, "2024-10-07");
  EXPECT_EQ(c.on(d("2030-01-01"))->as_of, "2024-10-07");  // after the last: the latest
  EXPECT_EQ(c.on(d("2024-10-02")), nullptr);              // before the first
  EXPECT_EQ(c.latest().as_of, "2024-10-07");
  EXPECT_EQ(c.first_date(), d("2024-10-03"));
}

TEST(RatesCatalog, BetweenIncludesBothEnds) {
  const auto& c = ecb_catalog();
  EXPECT_EQ(c.between(d("2024-10-03"), d("2024-10-07")).size(), 3u);
  const auto weekend = c.between(d("2024-10-04"), d("2024-10-06"));
  ASSERT_EQ(weekend.size(), 1u);
  EXPECT_EQ(weekend.front().as_of, "2024-10-04");
  EXPECT_TRUE(c.between(d("2024-10-05"), d("2024-10-06")).empty());
  EXPECT_TRUE(c.between(d("2024-10-08"), d("2024-10-01")).empty());
}

TEST(RatesCatalog, RefusesTwoDaysWithOneDateAndNoDays) {
  std::vector<RateTable> twice{table_from_day(published_day("2024-10-03", "USD=1.1")),
                               table_from_day(published_day("2024-10-03", "USD=1.2"))};
  EXPECT_THROW(RatesCatalog{twice}, RatesError);
  EXPECT_THROW(RatesCatalog{{}}, RatesError);
  EXPECT_EQ(catalog_from_days({}), nullptr);
}

TEST(RatesCatalog, ADayKeepsItsProvidersDirectionAndTheBaseAtOne) {
  const RateTable ecb = table_from_day(published_day("2024-10-04", "USD=1.0994"));
  EXPECT_TRUE(ecb.per_base);
  EXPECT_EQ(ecb.provider, "ecb");
  EXPECT_EQ(ecb.quote("EUR")->to_string(), "1");
  // per_base: 1 EUR buys 1.0994 USD, so 1 USD buys 1 / 1.0994 EUR; neither is inverted.
  EXPECT_EQ(ecb.cross_rate("EUR", "USD"), "1.0994000000");
  EXPECT_EQ(ecb.cross_rate("USD", "EUR"), "0.9095870475");
  const RateTable ptax = table_from_day(published_day("2024-10-04", "USD=5.4516", "bcb_ptax"));
  EXPECT_FALSE(ptax.per_base);
  EXPECT_EQ(ptax.cross_rate("USD", "BRL"), "5.4516000000");
}

// An amount goes through the day's base whichever way the provider quotes, and is rounded once:
// never through an inverted, rounded rate.
TEST(RatesCatalog, AConversionGoesThroughTheBaseExactly) {
  const RateTable ecb = table_from_day(published_day("2024-10-03", "USD=1.1036,BRL=6.0232"));
  const auto converted = [](const RateTable& t, const char* amount, const char* from,
                            const char* to) {
    const auto f = t.factor(from, to);
    return multiply_divide_rounded(*Decimal::parse(amount), f.multiplier, f.divisor, 2,
                                   Rounding::half_away_from_zero)
        .to_string();
  };
  EXPECT_EQ(converted(ecb, "100", "EUR", "USD"), "110.36");
  EXPECT_EQ(converted(ecb, "110.36", "USD", "EUR"), "100.00");
  EXPECT_EQ(converted(ecb, "100", "USD", "BRL"), "545.78");  // 100 * 6.0232 / 1.1036 = 545.77..
  // PTAX quotes reais per unit: amount * rate(from) / rate(to).
  const RateTable ptax =
      table_from_day(published_day("2024-10-03", "USD=5.4607,EUR=6.0245", "bcb_ptax"));
  EXPECT_EQ(converted(ptax, "100", "USD", "BRL"), "546.07");
  EXPECT_EQ(converted(ptax, "546.07", "BRL", "USD"), "100.00");
  EXPECT_EQ(converted(ptax, "100", "EUR", "USD"), "110.32");  // 602.45 / 5.4607 = 110.3247..
}

TEST(RatesCatalog, OnlyTheLatestDayHasItsCrossRatesMadeInAdvance) {
  const auto& c = ecb_catalog();
  EXPECT_FALSE(c.latest().cross.empty());
  EXPECT_TRUE(c.on(d("2024-10-03"))->cross.empty());
}

// --legacy-rates follow: the latest day's BRL per USD and per EUR, made with the catalog, each
// the double nearest the cross rate /v1/rates shows.
TEST(RatesCatalog, TheLatestDaysLegacyRatesAreMadeOnce) {
  const auto& c = ecb_catalog();
  ASSERT_TRUE(c.followed_legacy().has_value());
  EXPECT_EQ(c.latest().cross_rate("USD", "BRL"), "5.5677842566");  // 6.1112 / 1.0976
  EXPECT_EQ(c.followed_legacy()->dolar, std::strtod("5.5677842566", nullptr));
  EXPECT_EQ(c.followed_legacy()->euro, 6.1112);
  const auto ptax =
      catalog_from_days({published_day("2024-10-04", "USD=5.4516,EUR=5.9942", "bcb_ptax")});
  ASSERT_TRUE(ptax->followed_legacy().has_value());
  EXPECT_EQ(ptax->followed_legacy()->dolar, 5.4516);
  EXPECT_EQ(ptax->followed_legacy()->euro, 5.9942);
}

TEST(RatesCatalog, NoLegacyRatesToFollowWithoutBrlUsdAndEur) {
  EXPECT_FALSE(
      catalog_from_days({published_day("2024-10-04", "USD=1.0994,JPY=162.14")})->followed_legacy());
  EXPECT_FALSE(catalog_from_days({published_day("2024-10-04", "BRL=6.0119")})->followed_legacy());
  EXPECT_FALSE(catalog_from_days({published_day("2024-10-04", "USD=5.4516", "bcb_ptax")})
                   ->followed_legacy());
  // Only the latest day counts: an earlier day with all three does not help.
  EXPECT_FALSE(catalog_from_days({published_day("2024-10-03", "USD=1.1036,BRL=6.0029"),
                                  published_day("2024-10-04", "USD=1.0994")})
                   ->followed_legacy());
}

}  // namespace
}  // namespace conv::converter
