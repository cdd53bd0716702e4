#include "conv/converter/v1_routes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

namespace json = boost::json;

const RatesCatalog& rates() {
  static const RatesCatalog c(
      {parse_rates(R"({"base":"BRL","as_of":"2024-10-03","source":"test",)"
                   R"("quotes":{"USD":"5.10","EUR":"5.60","JPY":"0.0345","KWD":"16.6"}})")});
  return c;
}

json::value body_of(const http::Response& r) {
  return json::parse(r.body);
}

std::string error_code_of(const http::Response& r) {
  return std::string(body_of(r).at("error").at("code").as_string());
}

TEST(V1Convert, ConvertsExactlyAndRoundsToMinorUnits) {
  const auto r = v1_convert({{"amount", "15.00"}, {"from", "BRL"}, {"to", "USD,EUR"}}, rates());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto b = body_of(r);
  EXPECT_EQ(b.at("amount"), "15.00");
  EXPECT_EQ(b.at("from"), "BRL");
  EXPECT_EQ(b.at("as_of"), "2024-10-03");
  EXPECT_EQ(b.at("rounding"), "half_away_from_zero");
  EXPECT_EQ(b.at("results").at("USD"), "2.94");
  EXPECT_EQ(b.at("results").at("EUR"), "2.68");
  // The rate each applied: 1 / 5.10 and 1 / 5.60 BRL, to 10 places.
  EXPECT_EQ(b.at("rates").at("USD"), "0.1960784314");
  EXPECT_EQ(b.at("rates").at("EUR"), "0.1785714286");
  EXPECT_EQ(b.at("rate_decimals"), 10);
  // Requested order is kept.
  EXPECT_LT(r.body.find("\"USD\""), r.body.find("\"EUR\""));
}

TEST(V1Convert, CrossRatesGoThroughTheBaseWithoutInverting) {
  // 100 USD -> EUR = 100 * 5.10 / 5.60 = 91.0714...
  const auto r = v1_convert({{"amount", "100"}, {"from", "USD"}, {"to", "EUR"}}, rates());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("results").at("EUR"), "91.07");
  EXPECT_EQ(body_of(r).at("rates").at("EUR"), "0.9107142857");  // 5.10 / 5.60
  // 1000 JPY -> BRL = 34.5 exactly.
  const auto j = v1_convert({{"amount", "1000"}, {"from", "jpy"}, {"to", "BRL"}}, rates());
  EXPECT_EQ(body_of(j).at("results").at("BRL"), "34.50");
}

TEST(V1Convert, UsesEachCurrencysMinorUnits) {
  const auto r = v1_convert({{"amount", "100"}, {"to", "JPY,KWD"}}, rates());
  ASSERT_EQ(r.status, 200u) << r.body;
  // 100 / 0.0345 = 2898.55... -> 2899 (JPY has 0 decimals); 100 / 16.6 = 6.0240963... -> 6.024
  EXPECT_EQ(body_of(r).at("results").at("JPY"), "2899");
  EXPECT_EQ(body_of(r).at("results").at("KWD"), "6.024");
}

TEST(V1Convert, RoundingModeIsSelectable) {
  // 0.051 BRL / 5.10 = 0.01 exactly; 0.0255 / 5.10 = 0.005 exactly: a true half.
  const auto away = v1_convert({{"amount", "0.0255"}, {"to", "USD"}}, rates());
  const auto even =
      v1_convert({{"amount", "0.0255"}, {"to", "USD"}, {"rounding", "half_even"}}, rates());
  EXPECT_EQ(body_of(away).at("results").at("USD"), "0.01");
  EXPECT_EQ(body_of(even).at("results").at("USD"), "0.00");
  EXPECT_EQ(body_of(even).at("rounding"), "half_even");
}

TEST(V1Convert, DefaultsToTheBaseAndEveryOtherCurrency) {
  const auto r = v1_convert({{"amount", "10"}}, rates());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = body_of(r);
  const auto& results = body.at("results").as_object();
  EXPECT_EQ(results.size(), 4u);
  EXPECT_FALSE(results.contains("BRL"));
}

TEST(V1Convert, RefusesBadInputWithNamedErrors) {
  struct Case {
    QueryParams query;
    const char* code;
  };
  const Case cases[] = {
      {{}, "missing_parameter"},
      {{{"amount", ""}}, "missing_parameter"},
      {{{"amount", "abc"}}, "invalid_amount"},
      {{{"amount", "1e5"}}, "invalid_amount"},
      {{{"amount", "-5"}}, "invalid_amount"},
      {{{"amount", "0"}}, "invalid_amount"},
      {{{"amount", "0.000"}}, "invalid_amount"},
      {{{"amount", "1000000000000.01"}}, "amount_out_of_range"},
      {{{"amount", "0.1234567890123456789"}}, "invalid_amount"},
      {{{"amount", "1"}, {"to", "XYZ"}}, "unknown_currency"},
      {{{"amount", "1"}, {"to", "GBP"}}, "unknown_currency"},  // known to ISO, not quoted
      {{{"amount", "1"}, {"from", "XYZ"}}, "unknown_currency"},
      {{{"amount", "1"}, {"to", "BRL"}}, "same_currency"},
      {{{"amount", "1"}, {"from", "USD"}, {"to", "usd"}}, "same_currency"},
      {{{"amount", "1"}, {"to", "USD,USD"}}, "duplicate_currency"},
      {{{"amount", "1"}, {"to", "USD,"}}, "invalid_currency"},
      {{{"amount", "1"}, {"rounding", "up"}}, "invalid_rounding"},
      {{{"amount", "1"}, {"amount", "2"}}, "duplicate_parameter"},
  };
  for (const auto& c : cases) {
    const auto r = v1_convert(c.query, rates());
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(error_code_of(r), c.code) << r.body;
  }
  const auto max = v1_convert({{"amount", "1000000000000"}, {"to", "USD"}}, rates());
  EXPECT_EQ(max.status, 200u) << max.body;
}

// Unknown parameters (a cache-buster, a client's tracking tag, a typo) are ignored as public
// read APIs ignore them; strict mode refuses them, but the cache-buster `_`.
TEST(V1Convert, UnknownParametersAreIgnoredUnlessStrict) {
  const QueryParams query = {{"amount", "15.00"}, {"to", "USD"}, {"amout", "1"}, {"_", "17"}};
  const auto lenient = v1_convert(query, rates());
  ASSERT_EQ(lenient.status, 200u) << lenient.body;
  EXPECT_EQ(body_of(lenient).at("results").at("USD"), "2.94");
  const auto strict = v1_convert(query, rates(), true);
  EXPECT_EQ(error_code_of(strict), "unknown_parameter") << strict.body;
  EXPECT_NE(strict.body.find("'amout'"), std::string::npos) << strict.body;
  EXPECT_EQ(v1_convert({{"amount", "1"}, {"_", "1"}}, rates(), true).status, 200u);
  // Twice is ambiguous either way.
  EXPECT_EQ(error_code_of(v1_convert({{"amount", "1"}, {"amount", "2"}}, rates())),
            "duplicate_parameter");
}

TEST(V1Rates, ShowsRatesForTheBaseAndTheExactQuotes) {
  const auto r = v1_rates({}, rates());
  ASSERT_EQ(r.status, 200u);
  const auto b = body_of(r);
  EXPECT_EQ(b.at("base"), "BRL");
  EXPECT_EQ(b.at("as_of"), "2024-10-03");
  EXPECT_EQ(b.at("source"), "test");
  EXPECT_EQ(b.at("rates").at("USD"), "0.1960784314");  // 1 / 5.10
  EXPECT_EQ(b.at("quotes").at("USD"), "5.10");
}

TEST(V1Rates, CrossRatesForAnotherBase) {
  const auto r = v1_rates({{"base", "USD"}}, rates());
  ASSERT_EQ(r.status, 200u);
  const auto b = body_of(r);
  EXPECT_EQ(b.at("base"), "USD");
  EXPECT_EQ(b.at("rates").at("EUR"), "0.9107142857");  // 5.10 / 5.60
  EXPECT_EQ(b.at("rates").at("BRL"), "5.1000000000");
  EXPECT_FALSE(b.at("rates").as_object().contains("USD"));
  EXPECT_EQ(error_code_of(v1_rates({{"base", "XXX"}}, rates())), "unknown_currency");
  EXPECT_EQ(v1_rates({{"x", "1"}}, rates()).status, 200u);
  EXPECT_EQ(error_code_of(v1_rates({{"x", "1"}}, rates(), true)), "unknown_parameter");
}

TEST(V1Currencies, ListsTheQuotedCurrencies) {
  const auto r = v1_currencies({}, rates().latest());
  ASSERT_EQ(r.status, 200u);
  const auto b = body_of(r);
  EXPECT_EQ(b.at("currencies").as_object().size(), 5u);
  EXPECT_EQ(b.at("currencies").at("KWD").at("minor_units"), 3);
  EXPECT_EQ(b.at("currencies").at("JPY").at("name"), "Japanese yen");
  EXPECT_EQ(v1_currencies({{"x", "1"}}, rates().latest()).status, 200u);
  EXPECT_EQ(error_code_of(v1_currencies({{"x", "1"}}, rates().latest(), true)),
            "unknown_parameter");
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

json::value dated_body(const http::Response& r) {
  EXPECT_EQ(r.status, 200u) << r.body;
  return json::parse(r.body);
}

TEST(V1Dated, AWeekendDateAnswersTheLastEarlierDayAndSaysSo) {
  const auto b = dated_body(v1_rates({{"date", "2024-10-06"}, {"symbols", "USD"}}, ecb_catalog()));
  EXPECT_EQ(b.at("as_of"), "2024-10-04");
  EXPECT_EQ(b.at("requested_date"), "2024-10-06");
  EXPECT_EQ(b.at("provider"), "ecb");
  EXPECT_EQ(b.at("rates").at("USD"), "1.0994000000");
  EXPECT_EQ(b.at("rates").as_object().size(), 1u);
  EXPECT_EQ(b.at("quotes_direction"), "per_base");
  // Without date=, the latest, and no requested_date.
  const auto latest = dated_body(v1_rates({}, ecb_catalog()));
  EXPECT_EQ(latest.at("as_of"), "2024-10-07");
  EXPECT_FALSE(latest.as_object().contains("requested_date"));
}

TEST(V1Dated, ConvertsExactlyWithTheDaysRatesWhicheverWayTheyAreQuoted) {
  // 100 USD in BRL on 4 October: 100 * 6.0119 / 1.0994 = 546.8346...
  const auto b = dated_body(v1_convert(
      {{"amount", "100"}, {"from", "USD"}, {"to", "BRL"}, {"date", "2024-10-05"}}, ecb_catalog()));
  EXPECT_EQ(b.at("results").at("BRL"), "546.83");
  EXPECT_EQ(b.at("rates").at("BRL"), "5.4683463707");
  EXPECT_EQ(b.at("as_of"), "2024-10-04");
  EXPECT_EQ(b.at("requested_date"), "2024-10-05");
}

TEST(V1Dated, BadAndEarlyDatesAreClearErrors) {
  EXPECT_EQ(error_code_of(v1_rates({{"date", "2024-13-01"}}, ecb_catalog())), "invalid_date");
  EXPECT_EQ(error_code_of(v1_rates({{"date", "yesterday"}}, ecb_catalog())), "invalid_date");
  const auto early = v1_convert({{"amount", "1"}, {"date", "2024-10-02"}}, ecb_catalog());
  EXPECT_EQ(early.status, 404u);
  EXPECT_EQ(error_code_of(early), "no_rates");
  EXPECT_NE(early.body.find("2024-10-03"), std::string::npos) << "names the first day";
}

TEST(V1Dated, SymbolsAreCheckedAsTargetsAre) {
  EXPECT_EQ(error_code_of(v1_rates({{"symbols", "XYZ"}}, ecb_catalog())), "unknown_currency");
  EXPECT_EQ(error_code_of(v1_rates({{"symbols", "USD,usd"}}, ecb_catalog())), "duplicate_currency");
  EXPECT_EQ(error_code_of(v1_rates({{"base", "USD"}, {"symbols", "USD"}}, ecb_catalog())),
            "same_currency");
}

}  // namespace
}  // namespace conv::converter
