#include "conv/converter/legacy_route.hpp"

#include <gtest/gtest.h>

#include <string>

#include "golden.hpp"

namespace conv::converter {
namespace {

const RateTable& rates() {
  static const RateTable t = original_rates();
  return t;
}

TEST(LegacyRoute, AnswersTheOriginalsEightyBytes) {
  const http::Response r = legacy_convert("15.0", rates());
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body,
            "{\"conversao\":{\"dolar\":2.9411764705882355,\"euro\":2.678571428571429,"
            "\"real\":15.0}}\n");
  EXPECT_EQ(r.body.size(), 80u);  // as in the original's access logs: 79 of JSON and jsonify's \n
}

// Each golden line holds a value and the body Flask's jsonify gave for it.
TEST(LegacyRoute, MatchesFlaskOnGoldenVectors) {
  const auto rows = conv::testing::read_golden(CONV_TEST_DATA_DIR "/legacy_bodies.tsv");
  ASSERT_GT(rows.size(), 500u) << "missing or malformed golden file";
  for (const auto& [valor, body] : rows) {
    const http::Response r = legacy_convert(valor, rates());
    EXPECT_EQ(r.status, 200u) << valor;
    EXPECT_EQ(r.body, body + "\n") << valor;
  }
}

TEST(LegacyRoute, AcceptsIntegersAsAnExtension) {
  const http::Response r = legacy_convert("15", rates());
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, legacy_convert("15.0", rates()).body);
}

TEST(LegacyRoute, RefusesWhatTheOriginalAnsweredWithInfinity) {
  const http::Response r = legacy_convert(std::string(400, '9') + ".0", rates());
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("\"code\":\"amount_out_of_range\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Infinity"), std::string::npos);
}

TEST(LegacyRoute, RefusesMalformedAmountsWithJsonErrors) {
  for (const char* bad : {"", "-1.0", "abc", "1.", ".5", "1e5", "1.0.0", "+1.0", "1,5", " 1.0",
                          "0x10", "nan", "inf", "1.0abc"}) {
    const http::Response r = legacy_convert(bad, rates());
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(r.content_type, "application/json") << bad;
    EXPECT_EQ(r.body.rfind("{\"error\":{\"status\":400,\"code\":\"invalid_amount\"", 0), 0u)
        << bad << " -> " << r.body;
  }
  EXPECT_NE(legacy_convert("-1.0", rates()).body.find("negative"), std::string::npos);
}

TEST(LegacyRoute, FollowsReloadedRates) {
  const RateTable t = parse_rates(
      R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":"5","EUR":"4"}})");
  EXPECT_EQ(legacy_convert("10.0", t).body,
            "{\"conversao\":{\"dolar\":2.0,\"euro\":2.5,\"real\":10.0}}\n");
}

TEST(LegacyRoute, NeedsUsdAndEurAgainstBrl) {
  const RateTable t =
      parse_rates(R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":"5"}})");
  EXPECT_EQ(legacy_convert("10.0", t).status, 503u);
}

}  // namespace
}  // namespace conv::converter
