#include "conv/converter/rate_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

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
