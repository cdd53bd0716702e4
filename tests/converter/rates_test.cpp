#include "conv/converter/rates.hpp"

#include <gtest/gtest.h>

#include <string>

namespace conv::converter {
namespace {

std::string error_of(std::string_view json) {
  try {
    parse_rates(json);
  } catch (const RatesError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Rates, OriginalRatesAreTheFlaskAppsConstants) {
  const RateTable t = original_rates();
  EXPECT_EQ(t.base, "BRL");
  EXPECT_EQ(t.quote("USD")->to_string(), "5.10");
  EXPECT_EQ(t.quote("EUR")->to_string(), "5.60");
  EXPECT_EQ(t.quote("BRL")->to_string(), "1");
  ASSERT_TRUE(t.legacy.has_value());
  EXPECT_EQ(t.legacy->dolar, 5.10);
  EXPECT_EQ(t.legacy->euro, 5.60);
}

TEST(Rates, ParsesAValidFile) {
  const RateTable t = parse_rates(
      R"({"base":"BRL","as_of":"2024-10-03","source":"test","quotes":{"USD":"5.1","JPY":"0.0345"}})");
  EXPECT_EQ(t.as_of, "2024-10-03");
  EXPECT_EQ(t.as_of_epoch, 1727913600);
  EXPECT_EQ(t.source, "test");
  EXPECT_EQ(t.quotes.size(), 3u);
  EXPECT_EQ(t.quote("JPY")->to_string(), "0.0345");
  EXPECT_EQ(t.quote("GBP"), nullptr);
  EXPECT_FALSE(t.legacy.has_value());  // no EUR
}

TEST(Rates, LegacyNeedsBrlBase) {
  const RateTable t = parse_rates(
      R"({"base":"USD","as_of":"2024-10-03","source":"s","quotes":{"BRL":"0.2","EUR":"1.1"}})");
  EXPECT_FALSE(t.legacy.has_value());
}

// Following a BRL-based file is fixed: its own quotes, unrounded; any other base is followed
// through the cross rates, rounded to kRateDecimals as /v1/rates shows them.
TEST(Rates, FollowedLegacyRatesKeepAFilesOwn) {
  const RateTable brl = parse_rates(R"({"base":"BRL","as_of":"2024-10-03","source":"s",)"
                                    R"("quotes":{"USD":"5.123456789012345","EUR":"4"}})");
  ASSERT_TRUE(followed_legacy(brl).has_value());
  EXPECT_EQ(followed_legacy(brl)->dolar, brl.legacy->dolar);
  EXPECT_EQ(followed_legacy(brl)->dolar, 5.123456789012345);
  EXPECT_EQ(followed_legacy(original_rates())->euro, 5.60);
  // One BRL costs 0.18 USD, one EUR 1.1 USD.
  const RateTable usd = parse_rates(
      R"({"base":"USD","as_of":"2024-10-03","source":"s","quotes":{"BRL":"0.18","EUR":"1.1"}})");
  ASSERT_TRUE(followed_legacy(usd).has_value());
  EXPECT_EQ(usd.cross_rate("USD", "BRL"), "5.5555555556");  // 1 / 0.18
  EXPECT_EQ(usd.cross_rate("EUR", "BRL"), "6.1111111111");  // 1.1 / 0.18
  EXPECT_EQ(followed_legacy(usd)->dolar, 5.5555555556);
  EXPECT_EQ(followed_legacy(usd)->euro, 6.1111111111);
}

TEST(Rates, ErrorsNameTheField) {
  const std::string ok_tail = R"("as_of":"2024-10-03","source":"s","quotes":{"USD":"5.10"}})";
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("top level"), std::string::npos);
  EXPECT_EQ(error_of(R"({"as_of":"2024-10-03","source":"s","quotes":{"USD":"5.10"}})"),
            "base: required");
  EXPECT_EQ(error_of(R"({"base":"brl",)" + ok_tail),
            "base: expected an ISO 4217 code such as \"BRL\"");
  EXPECT_EQ(error_of(R"({"base":"XXQ",)" + ok_tail), "base: unknown ISO 4217 currency \"XXQ\"");
  EXPECT_EQ(error_of(R"({"base":5,)" + ok_tail), "base: expected a string");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-02-30","source":"s","quotes":{"USD":"5"}})"),
            "as_of: expected a date such as \"2024-10-03\"");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","quotes":{"USD":"5"}})"),
            "source: required");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s"})"), "quotes: required");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{}})"),
            "quotes: expected a non-empty object such as {\"USD\": \"5.10\"}");
  EXPECT_EQ(
      error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":5.1}})"),
      "quotes.USD: expected a decimal string such as \"5.10\" (numbers would lose precision)");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":"0"}})"),
            "quotes.USD: expected a positive decimal string such as \"5.10\"");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":"-1"}})"),
            "quotes.USD: expected a positive decimal string such as \"5.10\"");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"usd":"1"}})"),
            "quotes.usd: expected an ISO 4217 code such as \"USD\"");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"ABC":"1"}})"),
            "quotes.ABC: unknown ISO 4217 currency");
  EXPECT_EQ(error_of(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"BRL":"1"}})"),
            "quotes.BRL: the base currency is not quoted against itself");
  EXPECT_EQ(error_of(R"({"base":"BRL","rate":1,)" + ok_tail),
            "rate: unknown key (expected base, as_of, source, quotes)");
}

TEST(Rates, LoadFileNamesTheFile) {
  try {
    load_rates_file("/nonexistent/rates.json");
    FAIL() << "no error";
  } catch (const RatesError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/rates.json: cannot open the file");
  }
}

TEST(Rates, AFileIsOnePublishedDayOfTheFileProvider) {
  const PublishedDay day = parse_rates_day(
      R"({"base":"BRL","as_of":"2024-10-03","source":"ops","quotes":{"USD":"5.10","EUR":"5.60"}})");
  EXPECT_EQ(day.provider, "file");
  EXPECT_EQ(day.date.text(), "2024-10-03");
  EXPECT_EQ(day.base, "BRL");
  EXPECT_EQ(day.direction, PublishedDay::Direction::in_base);
  ASSERT_EQ(day.rates.size(), 2u);  // the base is not quoted against itself
  EXPECT_EQ(day.rates.at("USD").to_string(), "5.10");
  EXPECT_EQ(day.rates.at("EUR").to_string(), "5.60");
}

TEST(Rates, AFileDayIsCheckedAsTheFileIs) {
  EXPECT_THROW(parse_rates_day(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{}})"),
               RatesError);
  EXPECT_THROW(parse_rates_day(R"({"base":"BRL","as_of":"03/10/2024","source":"s",)"
                               R"("quotes":{"USD":"5.1"}})"),
               RatesError);
  EXPECT_THROW(parse_rates_day("{"), RatesError);
}

}  // namespace
}  // namespace conv::converter
