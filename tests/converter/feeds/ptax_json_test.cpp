#include "conv/converter/feeds/ptax_json.hpp"

#include <gtest/gtest.h>

#include "feed_fixture.hpp"

namespace conv::converter {
namespace {

std::string error_of(std::string_view json) {
  try {
    parse_ptax_json(json, "USD");
  } catch (const FeedError& e) {
    return e.what();
  }
  return "";
}

std::string entry(std::string_view rate, std::string_view when, std::string_view kind) {
  return "{\"cotacaoCompra\":1,\"cotacaoVenda\":" + std::string(rate) + ",\"dataHoraCotacao\":\"" +
         std::string(when) + "\",\"tipoBoletim\":\"" + std::string(kind) + "\"}";
}

TEST(PtaxJson, KeepsEachDaysClosingSellingRateExactly) {
  const auto days = parse_ptax_json(feed_fixture("ptax-usd-2024-10-02.json"), "USD");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].date.text(), "2024-10-02");
  EXPECT_EQ(days[0].provider, "bcb_ptax");
  EXPECT_EQ(days[0].base, "BRL");
  EXPECT_EQ(days[0].direction, PublishedDay::Direction::in_base);
  EXPECT_EQ(days[0].rates.at("USD").to_string(), "5.44390");  // the text, not a double's
  EXPECT_EQ(days[1].date.text(), "2024-10-03");
  EXPECT_EQ(days[1].rates.at("USD").to_string(), "5.46070");
}

TEST(PtaxJson, NoClosingBulletinIsNoDayNotAnError) {
  EXPECT_TRUE(parse_ptax_json("{\"value\":[]}", "EUR").empty());
  const auto open_only =
      "{\"value\":[" + entry("5.1", "2024-10-04 10:00:00.000", "Abertura") + "]}";
  EXPECT_TRUE(parse_ptax_json(open_only, "EUR").empty());
}

TEST(PtaxJson, RefusesWhatIsNotAPlausibleAnswer) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "not the JSON"},
      {"<html>Requisicao invalida</html>", "not the JSON"},
      {"{\"value\":[]} x", "not the JSON"},
      {"{\"error\":{\"code\":\"500\"}}", "no \"value\" array"},
      {"{\"value\":[" + entry("-5.1", "2024-10-03 13:00:00.000", "Fechamento") + "]}",
       "2024-10-03: cotacaoVenda: expected a positive rate"},
      {"{\"value\":[" + entry("5.123456789", "2024-10-03 13:00:00.000", "Fechamento") + "]}",
       "at most 8 decimal places"},
      {"{\"value\":[" + entry("5.1e0", "2024-10-03 13:00:00.000", "Fechamento") + "]}",
       "expected a positive rate"},
      {"{\"value\":[" + entry("\"5.1\"", "2024-10-03 13:00:00.000", "Fechamento") + "]}",
       "expected a positive rate"},
      {"{\"value\":[" + entry("5.1", "2024-02-30 13:00:00.000", "Fechamento") + "]}",
       "dataHoraCotacao: expected a time"},
      {"{\"value\":[" + entry("5.1", "2024-10-03T13:00", "Fechamento") + "]}",
       "dataHoraCotacao: expected a time"},
      {"{\"value\":[" + entry("5.1", "2024-10-03 13:00:00.000", "Fechamento") + "," +
           entry("5.2", "2024-10-03 14:00:00.000", "Fechamento") + "]}",
       "2024-10-03: two closing bulletins"},
      {"{\"value\":[" + entry("5.1", std::string(100, '2'), "Fechamento") + "]}",
       "not the JSON"},  // a field longer than any PTAX writes
  };
  for (const auto& [json, want] : cases) {
    const std::string got = error_of(json);
    EXPECT_NE(got.find(want), std::string::npos) << json << "\n-> " << got;
  }
}

}  // namespace
}  // namespace conv::converter
