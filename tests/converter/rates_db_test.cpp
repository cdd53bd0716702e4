#include "conv/converter/rates_db.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

PublishedDay ecb(const char* iso, const char* usd) {
  PublishedDay d;
  d.date = *Date::parse(iso);
  d.provider = "ecb";
  d.base = "EUR";
  d.direction = PublishedDay::Direction::per_base;
  d.rates.emplace("USD", *Decimal::parse(usd));
  d.rates.emplace("BRL", *Decimal::parse("6.0232"));
  return d;
}

class RatesDbTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file("rates.db"); }
  conv::testing::TempDir dir_{"conv-ratesdb"};
};

TEST_F(RatesDbTest, KeepsEveryDayExactlyAcrossReopening) {
  {
    RatesDb db(path());  // created on first use
    db.save({ecb("2024-10-04", "1.0994"), ecb("2024-10-03", "1.10360")});
  }
  RatesDb again(path());
  const auto days = again.load("ecb");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].date.text(), "2024-10-03");               // oldest first
  EXPECT_EQ(days[0].rates.at("USD").to_string(), "1.10360");  // the text, trailing zero kept
  EXPECT_EQ(days[0].base, "EUR");
  EXPECT_EQ(days[0].direction, PublishedDay::Direction::per_base);
  EXPECT_EQ(days[1].rates.size(), 2u);
  EXPECT_TRUE(again.load("bcb_ptax").empty());
}

TEST_F(RatesDbTest, ASavedDayReplacesTheStoredOneWhole) {
  RatesDb db(path());
  db.save({ecb("2024-10-03", "1.1")});
  PublishedDay fixed = ecb("2024-10-03", "1.1036");
  fixed.rates.erase("BRL");
  db.save({fixed});
  const auto days = db.load("ecb");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].rates.size(), 1u);
  EXPECT_EQ(days[0].rates.at("USD").to_string(), "1.1036");
}

// One transaction per save: a row the schema refuses leaves the store as it was.
TEST_F(RatesDbTest, AFailedSaveChangesNothing) {
  RatesDb db(path());
  db.save({ecb("2024-10-03", "1.1")});
  PublishedDay bad = ecb("2024-10-07", "1.2");
  bad.rates.emplace("XX", *Decimal::parse("1"));  // not a three-letter code
  EXPECT_THROW(db.save({ecb("2024-10-04", "1.3"), bad}), StoreError);
  const auto days = db.load("ecb");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].date.text(), "2024-10-03");
}

TEST_F(RatesDbTest, AFileThatIsNotAStoreIsAClearError) {
  {
    std::FILE* f = std::fopen(path().c_str(), "w");
    std::fputs("this is not a database, but it is long enough to have a header page....\n", f);
    std::fclose(f);
  }
  try {
    RatesDb db(path());
    FAIL() << "opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path()), std::string::npos) << e.what();
  }
  EXPECT_THROW(RatesDb(dir_.file("no/such/dir/rates.db")), StoreError);
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

TEST_F(RatesDbTest, AReadOnlySharedFileIsReadWithoutWritingAnything) {
  const std::string odd = dir_.file("a?b#c%d.db");  // characters a URI gives a meaning to
  { RatesDb(odd).save({ecb("2024-10-04", "1.0994")}); }
  ASSERT_FALSE(std::filesystem::exists(odd + "-wal"));
  RatesDb shared(odd, RatesDb::Mode::read_only);
  const auto days = shared.load("ecb");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].rates.at("USD").to_string(), "1.0994");
  EXPECT_THROW(shared.save({ecb("2024-10-07", "1.0976")}), StoreError);
  EXPECT_FALSE(std::filesystem::exists(odd + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(odd + "-shm"));
  // Read-only never creates a file.
  EXPECT_THROW(RatesDb(dir_.file("none.db"), RatesDb::Mode::read_only), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none.db")));
}

}  // namespace
}  // namespace conv::converter
