#include "conv/converter/rate_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "conv/converter/rates_db.hpp"
#include "rates_fixture.hpp"

namespace conv::converter {
namespace {

class TempFile {
 public:
  TempFile() {
    char tmpl[] = "/tmp/conv-rates-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = tmpl;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  void write(const std::string& text) const { std::ofstream(path_, std::ios::trunc) << text; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string rates_json(const char* usd, const char* as_of = "2024-10-03") {
  return std::string(R"({"base":"BRL","as_of":")") + as_of + R"(","source":"t","quotes":{"USD":")" +
         usd + R"(","EUR":"5.60"}})";
}

TEST(RateStore, BuiltInRatesWithoutAFile) {
  RateStore store("");
  store.load();
  EXPECT_EQ(store.current().quote("USD")->to_string(), "5.10");
  EXPECT_TRUE(store.reload().has_value());  // nothing to reload: says so
  EXPECT_EQ(store.current().quote("USD")->to_string(), "5.10");
}

TEST(RateStore, ReloadReplacesTheTable) {
  TempFile f;
  f.write(rates_json("5.10"));
  RateStore store(f.path());
  store.load();
  EXPECT_EQ(store.current().quote("USD")->to_string(), "5.10");
  f.write(rates_json("5.25", "2024-10-04"));
  EXPECT_FALSE(store.reload().has_value());
  EXPECT_EQ(store.current().quote("USD")->to_string(), "5.25");
  EXPECT_EQ(store.current().as_of, "2024-10-04");
}

TEST(RateStore, BadReloadKeepsTheOldTableAndSaysWhy) {
  TempFile f;
  f.write(rates_json("5.10"));
  RateStore store(f.path());
  store.load();
  f.write(rates_json("oops"));
  const auto error = store.reload();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("quotes.USD"), std::string::npos) << *error;
  EXPECT_NE(error->find(f.path()), std::string::npos) << *error;
  EXPECT_EQ(store.current().quote("USD")->to_string(), "5.10");
}

TEST(RateStore, BadFileAtStartThrows) {
  TempFile f;
  f.write("{}");
  RateStore store(f.path());
  EXPECT_THROW(store.load(), RatesError);
}

// Readers on other threads see either the old or the new table, never a torn one, and pick
// up the new one.
TEST(RateStore, ReadersSeeReloadsFromOtherThreads) {
  TempFile f;
  f.write(rates_json("5.10"));
  RateStore store(f.path());
  store.load();
  std::atomic<bool> stop{false};
  std::atomic<int> saw_new{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      bool seen = false;
      for (int n = 0; n < 2'000'000 && !stop; ++n) {
        const std::string usd = store.current().quote("USD")->to_string();
        ASSERT_TRUE(usd == "5.10" || usd == "6.00") << usd;
        if (usd == "6.00" && !seen) {
          seen = true;
          saw_new.fetch_add(1);
        }
        if (seen) break;
      }
    });
  }
  f.write(rates_json("6.00"));
  EXPECT_FALSE(store.reload().has_value());
  for (auto& t : readers) t.join();
  stop = true;
  EXPECT_EQ(saw_new.load(), 2);
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

// A rates store of the test's own, removed with its WAL files.
class TempStore {
 public:
  TempStore() { std::remove(file_.path().c_str()); }
  ~TempStore() {
    for (const char* suffix : {"-wal", "-shm"}) std::remove((file_.path() + suffix).c_str());
  }
  void save(std::vector<PublishedDay> days) const { RatesDb(file_.path()).save(days); }
  RatesSource source(const char* provider = "ecb") const {
    return {"", file_.path(), provider, false};
  }

 private:
  TempFile file_;
};

TEST(RateStore, ServesAProvidersWholeHistoryFromTheStore) {
  TempStore db;
  db.save({published_day("2024-10-03", "USD=1.1036"), published_day("2024-10-04", "USD=1.0994")});
  RateStore store(db.source());
  store.load();
  EXPECT_EQ(store.catalog().size(), 2u);
  EXPECT_EQ(store.current().as_of, "2024-10-04");
  EXPECT_EQ(store.current().provider, "ecb");
  EXPECT_EQ(store.catalog().on(*Date::parse("2024-10-03"))->quote("USD")->to_string(), "1.1036");
  EXPECT_NE(db.source().describe().find("ecb from "), std::string::npos);
}

TEST(RateStore, AStoreWithoutTheProvidersDaysSaysHowToFillIt) {
  TempStore db;
  db.save({published_day("2024-10-03", "USD=1.1036")});
  RateStore store(db.source("bcb_ptax"));
  try {
    store.load();
    FAIL() << "loaded nothing";
  } catch (const RatesError& e) {
    EXPECT_NE(std::string(e.what()).find("conv rates import"), std::string::npos) << e.what();
  }
}

TEST(RateStore, ReloadPicksUpNewDaysAndKeepsTheOldOnesOnError) {
  TempStore db;
  db.save({published_day("2024-10-03", "USD=1.1036")});
  RateStore store(db.source());
  store.load();
  db.save({published_day("2024-10-04", "USD=1.0994")});
  EXPECT_EQ(store.reload(), std::nullopt);
  EXPECT_EQ(store.current().as_of, "2024-10-04");
  EXPECT_EQ(store.catalog().size(), 2u);
  RateStore none(RatesSource{"", "/nonexistent-dir/rates.db", "ecb", false});
  EXPECT_THROW(none.load(), RatesError);
}

}  // namespace
}  // namespace conv::converter
