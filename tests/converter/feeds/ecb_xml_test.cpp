#include "conv/converter/feeds/ecb_xml.hpp"

#include <gtest/gtest.h>

#include "feed_fixture.hpp"

namespace conv::converter {
namespace {

std::string error_of(std::string_view xml) {
  try {
    parse_ecb_xml(xml);
  } catch (const FeedError& e) {
    return e.what();
  }
  return "";
}

std::string day_xml(std::string_view cubes) {
  return "<?xml version=\"1.0\"?><gesmes:Envelope xmlns:gesmes=\"g\" xmlns=\"e\"><Cube>" +
         std::string(cubes) + "</Cube></gesmes:Envelope>";
}

TEST(EcbXml, ReadsTheDailyFileExactly) {
  const auto days = parse_ecb_xml(feed_fixture("eurofxref-daily.xml"));
  ASSERT_EQ(days.size(), 1u);
  const auto& d = days[0];
  EXPECT_EQ(d.date.text(), "2024-10-03");
  EXPECT_EQ(d.provider, "ecb");
  EXPECT_EQ(d.base, "EUR");
  EXPECT_EQ(d.direction, PublishedDay::Direction::per_base);
  EXPECT_EQ(d.rates.size(), 15u);
  EXPECT_EQ(d.rates.at("USD").to_string(), "1.1036");
  EXPECT_EQ(d.rates.at("GBP").to_string(), "0.84045");  // as published, no float
  EXPECT_EQ(d.rates.at("BRL").to_string(), "6.0232");
}

TEST(EcbXml, ReadsEveryDayOfAHistoryFile) {
  const auto days = parse_ecb_xml(feed_fixture("eurofxref-hist-3d.xml"));
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].date.text(), "2024-10-04");  // newest first, as the ECB lists them
  EXPECT_EQ(days[2].date.text(), "2024-10-02");
  EXPECT_EQ(days[2].rates.at("RUB").to_string(), "103.83");  // kept; what to serve is decided later
}

TEST(EcbXml, RefusesWhatIsNotAPlausibleFeed) {
  const std::pair<std::string, std::string> cases[] = {
      {day_xml("<Cube time='2024-02-30'><Cube currency='USD' rate='1.1'/></Cube>"),
       "expected a date"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='usd' rate='1.1'/></Cube>"),
       "expected a currency code"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD' rate='-1.1'/></Cube>"),
       "USD: expected a positive decimal rate"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD' rate='1e3'/></Cube>"),
       "USD: expected a positive decimal rate"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD'/></Cube>"),
       "USD: expected a positive decimal rate"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD' rate='1'/><Cube currency='USD' "
               "rate='2'/></Cube>"),
       "USD is listed twice"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD' rate='1'/></Cube><Cube "
               "time='2024-10-03'><Cube currency='USD' rate='1'/></Cube>"),
       "2024-10-03 is listed twice"},
      {day_xml("<Cube time='2024-10-03'></Cube>"), "2024-10-03 has no rates"},
      {day_xml("<Cube currency='USD' rate='1'/>"), "a rate outside a day"},
      {day_xml(""), "no day of rates"},
      {"<html><body>Service unavailable</body></html>", "no day of rates"},
      {day_xml("<Cube time='2024-10-03'><Cube currency='USD' rate='1.1'/>"), "mismatched tag"},
      {"<gesmes:Envelope><Cube><Cube time='2024-10-03'><Cube currency='USD' rate='1.1'/>",
       "no element found"},  // cut off in transfer
      {"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><lolz>&lol;</lolz>",
       "a document type declaration"},
      {"", "no element found"},
  };
  for (const auto& [xml, want] : cases) {
    const std::string got = error_of(xml);
    EXPECT_NE(got.find(want), std::string::npos) << xml << "\n-> " << got;
  }
  // Where: line and column.
  EXPECT_EQ(error_of("<?xml version=\"1.0\"?>\n<Cube>\n<Cube time='x'/></Cube>").rfind("3:", 0),
            0u);
}

}  // namespace
}  // namespace conv::converter
