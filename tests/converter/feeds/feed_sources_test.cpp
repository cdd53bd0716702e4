#include "conv/converter/feeds/feed_sources.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "conv/converter/currency.hpp"

namespace conv::converter {
namespace {

TEST(FeedSources, BuildsEachKnownProviderFromItsSettings) {
  for (const auto name : feed_source_names()) {
    if (name == "file") continue;  // no address of its own: below
    const auto source = make_feed_source({std::string(name), ""});
    EXPECT_EQ(source->name(), name);
    const auto requests = source->latest(*Date::parse("2024-10-03"));
    ASSERT_FALSE(requests.empty());
    EXPECT_TRUE(requests[0].url.starts_with("https://")) << requests[0].url;
  }
  const auto local = make_feed_source({"bcb_ptax", "http://127.0.0.1:9/", {"USD"}});
  const auto requests = local->backfill(*Date::parse("2024-10-01"), *Date::parse("2024-10-03"));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].url.starts_with("http://127.0.0.1:9/CotacaoMoedaPeriodo("));
}

TEST(FeedSources, TheFileProviderReadsItsPath) {
  const auto file = make_feed_source({.name = "file", .base_url = "", .path = "/etc/conv/r.json"});
  EXPECT_EQ(file->name(), "file");
  EXPECT_EQ(file->schedule(), std::nullopt);
  EXPECT_EQ(file->latest(*Date::parse("2024-10-03")).at(0).url, "file:///etc/conv/r.json");
}

TEST(FeedSources, PtaxAsksForItsMainCurrenciesByDefault) {
  const auto ptax = make_feed_source({"bcb_ptax", ""});
  EXPECT_EQ(ptax->latest(*Date::parse("2024-10-03")).size(), kDefaultPtaxCurrencies.size());
  for (const auto& code : kDefaultPtaxCurrencies) EXPECT_TRUE(find_currency(code)) << code;
}

TEST(FeedSources, RefusesAConfigurationItCannotUse) {
  EXPECT_THROW(make_feed_source({"fed", ""}), std::invalid_argument);
  EXPECT_THROW(make_feed_source({"ecb", "ftp://mirror/"}), std::invalid_argument);
  EXPECT_THROW(make_feed_source({"bcb_ptax", "", {"dollar"}}), std::invalid_argument);
  EXPECT_THROW(make_feed_source({"file", ""}), std::invalid_argument);  // which file?
  EXPECT_THROW(make_feed_source({"file", "http://127.0.0.1:9/", {}, "/r.json"}),
               std::invalid_argument);
  EXPECT_THROW(make_feed_source({"ecb", "", {}, "/r.json"}), std::invalid_argument);
}

}  // namespace
}  // namespace conv::converter
