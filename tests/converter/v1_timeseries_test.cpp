#include "conv/converter/v1_timeseries.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

namespace json = boost::json;

std::string error_code_of(const http::Response& r) {
  return std::string(json::parse(r.body).at("error").at("code").as_string());
}

TEST(V1Timeseries, EveryPublishedDayOfTheRangeWithTheRatesAsV1RatesShowsThem) {
  const auto r = v1_timeseries(
      {{"start", "2024-10-04"}, {"end", "2024-10-07"}, {"symbols", "USD,JPY"}}, ecb_catalog());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto b = json::parse(r.body);
  EXPECT_EQ(b.at("base"), "EUR");
  EXPECT_EQ(b.at("start_date"), "2024-10-04");
  EXPECT_EQ(b.at("end_date"), "2024-10-07");
  EXPECT_EQ(b.at("provider"), "ecb");
  const auto& days = b.at("rates").as_object();
  ASSERT_EQ(days.size(), 2u);  // the weekend has no day of its own
  EXPECT_EQ(days.at("2024-10-04").at("USD"), "1.0994000000");
  EXPECT_EQ(days.at("2024-10-07").at("JPY"), "163.5900000000");
  EXPECT_EQ(days.at("2024-10-07").as_object().size(), 2u);
}

TEST(V1Timeseries, RebasesEachDayExactlyAndEndsAtTheLatestByDefault) {
  const auto r =
      v1_timeseries({{"start", "2024-10-01"}, {"base", "usd"}, {"symbols", "EUR"}}, ecb_catalog());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto b = json::parse(r.body);
  EXPECT_EQ(b.at("start_date"), "2024-10-03");
  EXPECT_EQ(b.at("end_date"), "2024-10-07");
  EXPECT_EQ(b.at("rates").at("2024-10-07").at("EUR"), "0.9110787172");  // 1 / 1.0976
}

TEST(V1Timeseries, BadRangesAreClearErrors) {
  EXPECT_EQ(error_code_of(v1_timeseries({}, ecb_catalog())), "missing_parameter");
  EXPECT_EQ(
      error_code_of(v1_timeseries({{"start", "2024-10-07"}, {"end", "2024-10-03"}}, ecb_catalog())),
      "invalid_range");
  EXPECT_EQ(error_code_of(v1_timeseries({{"start", "03/10/2024"}}, ecb_catalog())), "invalid_date");
  const auto none = v1_timeseries({{"start", "2024-10-05"}, {"end", "2024-10-06"}}, ecb_catalog());
  EXPECT_EQ(none.status, 404u);
  EXPECT_EQ(error_code_of(none), "no_rates");
  EXPECT_EQ(
      error_code_of(v1_timeseries({{"start", "2024-10-03"}, {"symbols", "XYZ"}}, ecb_catalog())),
      "unknown_currency");
}

TEST(V1Timeseries, AnAnswerHasABoundedSizeWhateverTheRange) {
  const auto first = *Date::parse("2024-10-03");
  const auto last = *Date::parse("2024-10-07");
  EXPECT_TRUE(std::holds_alternative<std::span<const RateTable>>(
      days_between(ecb_catalog(), first, last, kMaxTimeseriesCells / 3)));
  const auto big = days_between(ecb_catalog(), first, last, kMaxTimeseriesCells / 3 + 1);
  ASSERT_TRUE(std::holds_alternative<ApiError>(big));
  EXPECT_EQ(std::get<ApiError>(big).code, "range_too_large");
}

}  // namespace
}  // namespace conv::converter
