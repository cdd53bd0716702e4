#include "conv/converter/decimal.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

Decimal d(std::string_view s) {
  auto v = Decimal::parse(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(Decimal());
}

TEST(Decimal, ParsesAndKeepsScale) {
  EXPECT_EQ(d("15.00").to_string(), "15.00");
  EXPECT_EQ(d("15.00").scale(), 2u);
  EXPECT_EQ(d("0.5").to_string(), "0.5");
  EXPECT_EQ(d("-0.05").to_string(), "-0.05");
  EXPECT_EQ(d("007").to_string(), "7");
  // Either side of the 64-bit fast path.
  EXPECT_EQ(d("92233720368547758.07").to_string(), "92233720368547758.07");
  EXPECT_EQ(d("9223372036854775808").to_string(), "9223372036854775808");
  EXPECT_EQ(d("-9223372036854775807").to_string(), "-9223372036854775807");
  EXPECT_EQ(d("-9223372036854775808").to_string(), "-9223372036854775808");
  EXPECT_EQ(d("0.000").to_string(), "0.000");
  EXPECT_EQ(d("123456789012345678901234567890.123456789").to_string(),
            "123456789012345678901234567890.123456789");
}

TEST(Decimal, RejectsWhatIsNotAPlainDecimal) {
  for (const char* bad : {"", "-", ".5", "5.", "1e5", "+1", "1,5", "1.2.3", "0x10", " 1", "1 ",
                          "nan", "inf", "--1", "1-"}) {
    EXPECT_FALSE(Decimal::parse(bad).has_value()) << bad;
  }
  EXPECT_FALSE(Decimal::parse(std::string(65, '1')).has_value());
  EXPECT_TRUE(Decimal::parse(std::string(64, '1')).has_value());
}

TEST(Decimal, ComparesNumerically) {
  EXPECT_EQ(d("1.50"), d("1.5"));
  EXPECT_LT(d("1.49"), d("1.5"));
  EXPECT_GT(d("10"), d("9.999999"));
  EXPECT_LT(d("-1"), d("0"));
}

TEST(Decimal, RoundsHalfAwayFromZeroByDefaultRule) {
  const auto r = Rounding::half_away_from_zero;
  EXPECT_EQ(divide_rounded(d("0.125"), d("1"), 2, r).to_string(), "0.13");
  EXPECT_EQ(divide_rounded(d("0.135"), d("1"), 2, r).to_string(), "0.14");
  EXPECT_EQ(divide_rounded(d("-0.125"), d("1"), 2, r).to_string(), "-0.13");
  EXPECT_EQ(divide_rounded(d("0.1249999"), d("1"), 2, r).to_string(), "0.12");
  EXPECT_EQ(divide_rounded(d("2.5"), d("1"), 0, r).to_string(), "3");
}

TEST(Decimal, RoundsHalfEvenWhenAsked) {
  const auto r = Rounding::half_even;
  EXPECT_EQ(divide_rounded(d("0.125"), d("1"), 2, r).to_string(), "0.12");
  EXPECT_EQ(divide_rounded(d("0.135"), d("1"), 2, r).to_string(), "0.14");
  EXPECT_EQ(divide_rounded(d("-0.125"), d("1"), 2, r).to_string(), "-0.12");
  EXPECT_EQ(divide_rounded(d("2.5"), d("1"), 0, r).to_string(), "2");
  EXPECT_EQ(divide_rounded(d("3.5"), d("1"), 0, r).to_string(), "4");
  // Above half is never "even": 0.12500001 rounds up either way.
  EXPECT_EQ(divide_rounded(d("0.12500001"), d("1"), 2, r).to_string(), "0.13");
}

TEST(Decimal, DividesExactlyBeforeRounding) {
  const auto r = Rounding::half_away_from_zero;
  // 15 / 5.10 = 2.94117647...; 15 / 5.60 = 2.67857142...
  EXPECT_EQ(divide_rounded(d("15.00"), d("5.10"), 2, r).to_string(), "2.94");
  EXPECT_EQ(divide_rounded(d("15.00"), d("5.60"), 2, r).to_string(), "2.68");
  EXPECT_EQ(divide_rounded(d("1"), d("3"), 10, r).to_string(), "0.3333333333");
  EXPECT_EQ(divide_rounded(d("2"), d("3"), 10, r).to_string(), "0.6666666667");
  EXPECT_EQ(divide_rounded(d("1"), d("8"), 0, r).to_string(), "0");
  EXPECT_EQ(divide_rounded(d("10"), d("4"), 0, r).to_string(), "3");
}

TEST(Decimal, MultipliesThenDividesWithoutIntermediateRounding) {
  const auto r = Rounding::half_away_from_zero;
  // 100 USD in EUR through BRL: 100 * 5.10 / 5.60 = 91.0714285...
  EXPECT_EQ(multiply_divide_rounded(d("100"), d("5.10"), d("5.60"), 2, r).to_string(), "91.07");
  // Rounding the intermediate 1/5.60 first would give a different cent here.
  EXPECT_EQ(multiply_divide_rounded(d("1000000000000"), d("1"), d("5.60"), 2, r).to_string(),
            "178571428571.43");
  // Huge operands do not overflow (expected value from Python's decimal module).
  EXPECT_EQ(multiply_divide_rounded(d("999999999999.999999999999999999"), d("123456.789012345678"),
                                    d("0.000000000001"), 3, r)
                .to_string(),
            "123456789012345677999999999999.877");
}

TEST(Decimal, ExactHalfCasesAfterMultiplication) {
  // 0.25 * 1 / 1 at 1 place: exactly half.
  EXPECT_EQ(multiply_divide_rounded(d("0.25"), d("1"), d("1"), 1, Rounding::half_away_from_zero)
                .to_string(),
            "0.3");
  EXPECT_EQ(multiply_divide_rounded(d("0.25"), d("1"), d("1"), 1, Rounding::half_even).to_string(),
            "0.2");
  // 1.05 * 5 / 10 = 0.525 -> 0.53 / 0.52
  EXPECT_EQ(multiply_divide_rounded(d("1.05"), d("5"), d("10"), 2, Rounding::half_away_from_zero)
                .to_string(),
            "0.53");
  EXPECT_EQ(multiply_divide_rounded(d("1.05"), d("5"), d("10"), 2, Rounding::half_even).to_string(),
            "0.52");
}

TEST(Decimal, FormatsSmallValuesWithLeadingZeros) {
  EXPECT_EQ(divide_rounded(d("1"), d("1000"), 3, Rounding::half_even).to_string(), "0.001");
  EXPECT_EQ(divide_rounded(d("1"), d("100000"), 3, Rounding::half_even).to_string(), "0.000");
  EXPECT_EQ(divide_rounded(d("-1"), d("1000"), 3, Rounding::half_even).to_string(), "-0.001");
}

TEST(Decimal, ParsesRoundingNames) {
  EXPECT_EQ(parse_rounding("half_even"), Rounding::half_even);
  EXPECT_EQ(parse_rounding("half_away_from_zero"), Rounding::half_away_from_zero);
  EXPECT_FALSE(parse_rounding("up").has_value());
  EXPECT_FALSE(parse_rounding("").has_value());
}

}  // namespace
}  // namespace conv::converter
