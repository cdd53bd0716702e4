#include "conv/converter/frankfurter_routes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

namespace json = boost::json;

http::Response get(std::string_view path, const QueryParams& query = {}, bool jsonp = true) {
  const auto target = frankfurter_target(path);
  EXPECT_TRUE(target.has_value()) << path;
  return target ? frankfurter_route(*target, query, ecb_catalog(), jsonp) : http::Response{};
}

TEST(Frankfurter, LatestHasFrankfurtersShapeAndNumbers) {
  const auto r = get("latest");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, R"({"amount":1.0,"base":"EUR","date":"2024-10-07",)"
                    R"("rates":{"BRL":6.1112,"JPY":163.59,"USD":1.0976}})"
                    "\n");
  EXPECT_EQ(get("current").body, r.body);
}

TEST(Frankfurter, RebasesAndMultipliesExactlyThenRoundsAsFrankfurterDoes) {
  // 1 USD = 163.59 / 1.0976 = 149.0433... JPY (2 places above 80), 5.5677... BRL (4 above 1),
  // 0.9110... EUR (5 below 1); the base itself is left out, the provider's base put in.
  const auto r = get("latest", {{"from", "usd"}});
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"amount":1.0,"base":"USD","date":"2024-10-07",)"
                        R"("rates":{"BRL":5.5678,"EUR":0.91108,"JPY":149.04}})"));
  // base= and symbols= are the older names of from= and to=.
  EXPECT_EQ(get("latest", {{"base", "USD"}, {"symbols", "JPY"}}).body,
            R"({"amount":1.0,"base":"USD","date":"2024-10-07","rates":{"JPY":149.04}})"
            "\n");
  // Above 5000: whole units. Below 0.0001: 6 places.
  EXPECT_EQ(get("latest", {{"amount", "100"}, {"to", "JPY"}}).body,
            R"({"amount":100.0,"base":"EUR","date":"2024-10-07","rates":{"JPY":16359}})"
            "\n");
  EXPECT_EQ(json::parse(get("latest", {{"amount", "0.01"}, {"from", "JPY"}, {"to", "EUR"}}).body)
                .at("rates")
                .at("EUR"),
            json::parse("0.000061"));
}

TEST(Frankfurter, ADateAnswersTheDayInForceThen) {
  const auto b = json::parse(get("2024-10-06", {{"to", "USD"}}).body);
  EXPECT_EQ(b.at("date"), "2024-10-04");
  EXPECT_EQ(b.at("rates").at("USD"), json::parse("1.0994"));
}

TEST(Frankfurter, AnIntervalListsEachPublishedDay) {
  const auto r = get("2024-10-04..2024-10-07", {{"to", "USD"}, {"amount", "10"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body,
            R"({"amount":10.0,"base":"EUR","start_date":"2024-10-04","end_date":"2024-10-07",)"
            R"("rates":{"2024-10-04":{"USD":10.994},"2024-10-07":{"USD":10.976}}})"
            "\n");
  // Without an end: up to the latest.
  const auto open = json::parse(get("2024-10-01..", {{"to", "USD"}}).body);
  EXPECT_EQ(open.at("start_date"), "2024-10-03");
  EXPECT_EQ(open.at("end_date"), "2024-10-07");
  EXPECT_EQ(open.at("rates").as_object().size(), 3u);
}

// to= is split at each comma, a final comma ending the list (no empty item after it), an
// empty to= listing nothing; an empty item names no currency.
TEST(Frankfurter, ToIsSplitAtCommasAndMayEndInOne) {
  const auto status = [](const char* from, const char* to) {
    return get("latest", {{"from", from}, {"to", to}}).status;
  };
  EXPECT_EQ(get("latest", {{"to", "usd,jpy,"}}).body, get("latest", {{"to", "USD,JPY"}}).body);
  EXPECT_EQ(get("latest", {{"to", "USD,,JPY"}}).body, get("latest", {{"to", "USD,JPY"}}).body);
  EXPECT_EQ(status("EUR", "EUR,"), 422u);   // one symbol, the base
  EXPECT_EQ(status("EUR", "EUR,,"), 404u);  // the base and an empty item: nothing to answer
  EXPECT_EQ(status("EUR", ",EUR"), 404u);
  EXPECT_EQ(status("", ""), 404u);   // no symbols
  EXPECT_EQ(status("", ","), 422u);  // one empty symbol, the (empty) base
}

TEST(Frankfurter, CurrenciesNamesEachCode) {
  const auto b = json::parse(get("currencies").body);
  EXPECT_EQ(b.at("USD"), "US dollar");
  EXPECT_EQ(b.as_object().size(), 4u);  // BRL, EUR, JPY, USD
}

TEST(Frankfurter, ErrorsKeepItsStatusesAndMessageBesideConvsErrorObject) {
  const auto early = get("2020-01-01");
  EXPECT_EQ(early.status, 404u);
  const auto b = json::parse(early.body);
  EXPECT_EQ(b.at("message"), "not found");
  EXPECT_EQ(b.at("error").at("code"), "no_rates");
  EXPECT_EQ(get("latest", {{"amount", "abc"}}).status, 422u);
  EXPECT_EQ(get("latest", {{"amount", "-1"}}).status, 422u);
  const auto pair = get("latest", {{"from", "USD"}, {"to", "usd"}});
  EXPECT_EQ(pair.status, 422u);
  EXPECT_EQ(json::parse(pair.body).at("message"), "bad currency pair");
  EXPECT_EQ(get("latest", {{"from", "XYZ"}}).status, 404u);
  EXPECT_EQ(get("latest", {{"to", "XYZ"}}).status, 404u);
  EXPECT_EQ(get("2024-10-07..2024-10-03").status, 422u);
}

TEST(Frankfurter, OtherPathsAreNotItsRoutes) {
  for (std::string_view path :
       {"", "nope", "2024-10-0", "2024-10-03..x", "latest2", "..", "2024-1-01", "x2024-10-03"}) {
    EXPECT_FALSE(frankfurter_target(path).has_value()) << path;
  }
}

TEST(Frankfurter, ADateShapedPathThatIsNoDateIs422AsFrankfurterAnswersIt) {
  for (std::string_view path : {"2010-31-01", "2024-02-30", "2024-10-03..2024-13-01"}) {
    const auto r = get(path);
    EXPECT_EQ(r.status, 422u) << path;
    EXPECT_EQ(json::parse(r.body).at("message"), "invalid date") << path;
    EXPECT_EQ(json::parse(r.body).at("error").at("code"), "invalid_date") << path;
  }
}

TEST(Frankfurter, AnswersAndErrorsSayTheirCharsetAsFrankfurterDoes) {
  for (const auto& r : {get("latest"), get("currencies"), get("2020-01-01"), get("2010-31-01")}) {
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << r.body;
  }
}

TEST(Frankfurter, CallbackWrapsTheAnswerAsAScriptCallingIt) {
  const auto plain = get("latest", {{"to", "USD"}});
  const auto r = get("latest", {{"to", "USD"}, {"callback", "jQuery3_1.done"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/javascript; charset=utf-8");
  const std::string prefix = "/**/jQuery3_1.done(";
  ASSERT_TRUE(r.body.starts_with(prefix) && r.body.ends_with(")\n")) << r.body;
  const auto inner = r.body.substr(prefix.size(), r.body.size() - prefix.size() - 2);
  EXPECT_EQ(json::parse(inner), json::parse(plain.body));
  // Errors are scripts too: the page's callback sees Frankfurter's message.
  const auto missing = get("2020-01-01", {{"callback", "cb"}});
  EXPECT_EQ(missing.status, 404u);
  EXPECT_TRUE(missing.body.starts_with("/**/cb({\"message\":\"not found\"")) << missing.body;
}

TEST(Frankfurter, CallbackMustBeAJavaScriptNameAndNeedsAnyOriginAllowed) {
  for (std::string_view bad : {"", "alert(1)", "1cb", "a b", "cb;x", "<script>"}) {
    const auto r = get("latest", {{"callback", std::string(bad)}});
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(json::parse(r.body).at("error").at("code"), "invalid_callback") << bad;
  }
  EXPECT_EQ(get("latest", {{"callback", std::string(129, 'a')}}).status, 400u);
  // CORS limited to some origins: a script tag must not read what fetch() may not.
  const auto off = get("latest", {{"callback", "cb"}}, false);
  EXPECT_EQ(off.status, 400u);
  EXPECT_EQ(json::parse(off.body).at("error").at("code"), "jsonp_disabled");
  EXPECT_EQ(get("latest", {}, false).status, 200u);
}

TEST(Frankfurter, NumbersAreTextAsRubyPrintsFloats) {
  const Decimal one(1, 0);
  EXPECT_EQ(frankfurter_number(*Decimal::parse("100"), one, one), "100.0");
  EXPECT_EQ(frankfurter_number(*Decimal::parse("5000"), one, one), "5000.0");
  EXPECT_EQ(frankfurter_number(*Decimal::parse("5000.5"), one, one), "5001");
  EXPECT_EQ(frankfurter_number(*Decimal::parse("20.0005"), one, one), "20.001");
  EXPECT_EQ(frankfurter_number(*Decimal::parse("1.00005"), one, one), "1.0001");
  EXPECT_EQ(frankfurter_number(*Decimal::parse("0.00010"), one, one), "0.0001");
}

}  // namespace
}  // namespace conv::converter
