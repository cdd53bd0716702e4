#include "conv/converter/feeds/file_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "conv/converter/feeds/feed_file.hpp"

namespace conv::converter {
namespace {

TEST(FileSource, IsTheFileProviderWithoutACalendar) {
  const FileSource source("/etc/conv/rates.json");
  EXPECT_EQ(source.name(), "file");
  EXPECT_EQ(source.schedule(), std::nullopt);
}

TEST(FileSource, AsksForItsFileWhateverTheDays) {
  const FileSource source("/etc/conv/rates.json");
  const auto latest = source.latest(*Date::parse("2024-10-03"));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].url, "file:///etc/conv/rates.json");
  const auto backfill = source.backfill(*Date::parse("2024-07-01"), *Date::parse("2024-10-03"));
  ASSERT_EQ(backfill.size(), 1u);
  EXPECT_EQ(backfill[0].url, latest[0].url);
}

TEST(FileSource, ARelativePathIsMadeAbsoluteOnce) {
  const FileSource source("conf/../rates.json");
  EXPECT_EQ(source.path(), (std::filesystem::current_path() / "rates.json").string());
  EXPECT_EQ(file_url_path(source.latest(*Date::parse("2024-10-03"))[0].url), source.path());
}

TEST(FileSource, ParsesARatesFileIntoItsDay) {
  const FileSource source("/etc/conv/rates.json");
  const auto days = source.parse(
      {}, R"({"base":"BRL","as_of":"2024-10-03","source":"ops","quotes":{"USD":"5.4607",)"
          R"("EUR":"6.0119"}})");
  ASSERT_EQ(days.size(), 1u);
  const PublishedDay& day = days[0];
  EXPECT_EQ(day.provider, "file");
  EXPECT_EQ(day.date.text(), "2024-10-03");
  EXPECT_EQ(day.base, "BRL");
  EXPECT_EQ(day.direction, PublishedDay::Direction::in_base);  // 1 USD = 5.4607 BRL
  ASSERT_EQ(day.rates.size(), 2u);
  EXPECT_EQ(day.rates.at("USD").to_string(), "5.4607");
  EXPECT_EQ(day.rates.at("EUR").to_string(), "6.0119");
}

TEST(FileSource, AFileThatIsNotARatesFileIsAFeedError) {
  const FileSource source("/etc/conv/rates.json");
  for (const char* body :
       {"", "{", "[]", R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":5.1}})",
        R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"XXY":"5.1"}})"}) {
    EXPECT_THROW(source.parse({}, body), FeedError) << body;
  }
  try {
    source.parse({}, R"({"base":"BRL","as_of":"2024-10-03","source":"s","quotes":{"USD":"-1"}})");
    FAIL();
  } catch (const FeedError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("quotes.USD: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace conv::converter
