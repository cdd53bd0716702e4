#include "conv/converter/feeds/ecb_source.hpp"

#include <gtest/gtest.h>

#include "converter/feeds/feed_fixture.hpp"

namespace conv::converter {
namespace {

TEST(EcbSource, FetchesTheDailyFileAndTheNinetyDayFileForABackfill) {
  const EcbSource ecb;
  EXPECT_EQ(ecb.name(), "ecb");
  EXPECT_EQ(ecb.schedule(), Provider::ecb);
  const auto latest = ecb.latest(*Date::parse("2024-10-03"));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].url, "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml");
  const auto back = ecb.backfill(*Date::parse("2024-07-01"), *Date::parse("2024-10-03"));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].url, "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml");
}

TEST(EcbSource, ABaseUrlPointsItElsewhere) {
  const EcbSource local("http://127.0.0.1:8080/feeds");
  EXPECT_EQ(local.latest(*Date::parse("2024-10-03"))[0].url,
            "http://127.0.0.1:8080/feeds/eurofxref-daily.xml");
}

TEST(EcbSource, ReadsTheRecordedFiles) {
  const EcbSource ecb;
  const auto daily = ecb.parse({}, feed_fixture("eurofxref-daily.xml"));
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].date.text(), "2024-10-03");
  EXPECT_EQ(daily[0].provider, "ecb");
  EXPECT_EQ(ecb.parse({}, feed_fixture("eurofxref-hist-3d.xml")).size(), 3u);
  EXPECT_THROW(ecb.parse({}, "<Cube>"), FeedError);
}

}  // namespace
}  // namespace conv::converter
