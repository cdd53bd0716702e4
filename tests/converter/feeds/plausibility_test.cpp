#include "conv/converter/feeds/plausibility.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

PublishedDay ecb(const char* iso,
                 std::initializer_list<std::pair<const char*, const char*>> rates) {
  PublishedDay d;
  d.date = *Date::parse(iso);
  d.provider = "ecb";
  d.base = "EUR";
  for (const auto& [code, rate] : rates) d.rates.emplace(code, *Decimal::parse(rate));
  return d;
}

TEST(Plausibility, DropsCurrenciesConvDoesNotKnow) {
  PublishedDay d = ecb("2022-02-25", {{"USD", "1.1216"}, {"RUB", "95.59"}, {"XYZ", "1"}});
  const auto found = check_day(d, nullptr, *Decimal::parse("1.5"));
  EXPECT_EQ(found.dropped, (std::vector<std::string>{"RUB", "XYZ"}));
  EXPECT_EQ(d.rates.size(), 1u);
  EXPECT_TRUE(found.jumps.empty());
}

TEST(Plausibility, ReportsMovesBeyondTheFactorExactly) {
  const PublishedDay before =
      ecb("2024-10-03", {{"USD", "1.0000"}, {"BRL", "6.0000"}, {"JPY", "160"}});
  PublishedDay after = ecb("2024-10-04", {{"USD", "1.5000"},   // exactly x1.5: not beyond
                                          {"BRL", "3.9999"},   // below 6 / 1.5 = 4
                                          {"JPY", "240.01"},   // above 160 x 1.5 = 240
                                          {"MXN", "21.35"}});  // new: nothing to compare
  const auto found = check_day(after, &before, *Decimal::parse("1.5"));
  EXPECT_EQ(found.jumps, (std::vector<std::string>{"BRL 6.0000 -> 3.9999", "JPY 160 -> 240.01"}));
  EXPECT_TRUE(found.dropped.empty());
}

}  // namespace
}  // namespace conv::converter
