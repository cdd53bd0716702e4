#include "conv/converter/catalog.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace conv::converter
