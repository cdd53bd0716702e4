#include "conv/converter/feeds/ptax_source.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "converter/feeds/feed_fixture.hpp"

namespace conv::converter {
namespace {

TEST(PtaxSource, AsksOnePeriodPerCurrencyWithODataDates) {
  const PtaxSource ptax({"USD", "EUR"});
  EXPECT_EQ(ptax.name(), "bcb_ptax");
  EXPECT_EQ(ptax.schedule(), Provider::bcb_ptax);
  const auto back = ptax.backfill(*Date::parse("2024-07-04"), *Date::parse("2024-10-02"));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].url,
            "https://olinda.bcb.gov.br/olinda/servico/PTAX/versao/v1/odata/"
            "CotacaoMoedaPeriodo(moeda=@moeda,dataInicial=@dataInicial,"
            "dataFinalCotacao=@dataFinalCotacao)?@moeda='USD'&@dataInicial='07-04-2024'"
            "&@dataFinalCotacao='10-02-2024'&$format=json");
  EXPECT_EQ(back[0].part, "USD");
  EXPECT_EQ(back[1].part, "EUR");
}

TEST(PtaxSource, TheLatestFetchAsksTheWeekUpToTheDay) {
  const PtaxSource ptax({"USD"}, "http://127.0.0.1:9/odata");
  const auto latest = ptax.latest(*Date::parse("2024-10-02"));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_NE(latest[0].url.find("http://127.0.0.1:9/odata/CotacaoMoedaPeriodo("), std::string::npos);
  EXPECT_NE(latest[0].url.find("@dataInicial='09-25-2024'&@dataFinalCotacao='10-02-2024'"),
            std::string::npos);
}

TEST(PtaxSource, ReadsTheRecordedAnswerAsTheRequestsCurrency) {
  const PtaxSource ptax({"USD"});
  const auto days = ptax.parse({"", "USD"}, feed_fixture("ptax-usd-2024-10-02.json"));
  ASSERT_EQ(days.size(), 2u);  // the closing bulletins of 2 and 3 October
  EXPECT_EQ(days.back().date.text(), "2024-10-03");
  EXPECT_EQ(days.back().rates.at("USD").to_string(), "5.46070");
  EXPECT_EQ(days.back().rates.count("USD"), 1u);
  EXPECT_EQ(days.back().base, "BRL");
}

TEST(PtaxSource, RefusesACurrencyThatIsNotACode) {
  EXPECT_THROW(PtaxSource({"usd"}), std::invalid_argument);
  EXPECT_THROW(PtaxSource({"US'D"}), std::invalid_argument);
}

}  // namespace
}  // namespace conv::converter
