// `conv converter --refresh` and its companions, through the whole command under --check: the
// exit code is 2 for every combination the live feeds cannot run with, 0 for those they can.
#include "conv/cli/refresh_flags.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "conv/cli/converter_command.hpp"
#include "conv/converter/rates_db.hpp"
#include "converter/rates_fixture.hpp"
#include "support/converter_check.hpp"
#include "support/dir_snapshot.hpp"
#include "support/temp_dir.hpp"

namespace conv::cli {
namespace {

class RefreshFlagsTest : public ::testing::Test {
 protected:
  static int check(std::vector<std::string> args) {
    return testing::converter_check(std::move(args));
  }

  std::string db() const { return dir_.file("rates.db"); }
  testing::TempDir dir_{"conv-refresh-flags"};
};

TEST_F(RefreshFlagsTest, RefreshWithAStoreIsAccepted) {
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb"}), 0);
  EXPECT_FALSE(std::filesystem::exists(db()));  // --check creates nothing
  EXPECT_EQ(
      check({"--store", db(), "--refresh", "ecb,bcb_ptax", "--feed-url", "ecb=http://127.0.0.1:1/",
             "--feed-url", "bcb_ptax=http://127.0.0.1:2/", "--fallback-after", "36h"}),
      0);
  EXPECT_EQ(check({"--store", db(), "--refresh", "bcb_ptax", "--fallback-after", "86400"}), 0);
}

// A check reads the store the refresher will write, and writes nothing (nor does SQLite: no
// -wal or -shm file is left beside it).
TEST_F(RefreshFlagsTest, CheckReadsTheStoreWithoutWritingIt) {
  converter::RatesDb(db()).save({converter::published_day("2024-10-03", "USD=1.1036")});
  testing::backdate(db());
  const auto before = testing::dir_snapshot(dir_.path());
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb"}), 0);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("ecb: 1 day(s) to 2024-10-03"), std::string::npos) << out;
  EXPECT_EQ(testing::dir_snapshot(dir_.path()), before);
}

// While a converter has the store open, its last days may be only in the -wal file: the check
// reads them there too.
TEST_F(RefreshFlagsTest, CheckReadsTheDaysARunningConverterSaved) {
  converter::RatesDb(db()).save({converter::published_day("2024-10-03", "USD=1.1036")});
  converter::RatesDb running(db());
  running.save({converter::published_day("2024-10-04", "USD=1.0994")});
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb"}), 0);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("ecb: 2 day(s) to 2024-10-04"), std::string::npos) << out;
}

TEST_F(RefreshFlagsTest, RefreshNeedsAWritableStoreAndNoOtherSource) {
  std::ofstream(dir_.file("r.json")) << R"({"base":"BRL","as_of":"2024-10-03","source":"t",)"
                                     << R"("quotes":{"USD":"5.10","EUR":"5.60"}})";
  EXPECT_EQ(check({"--refresh", "ecb"}), 2);
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb", "--store-read-only"}), 2);
  EXPECT_EQ(check({"--rates", dir_.file("r.json"), "--refresh", "ecb"}), 2);
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb", "--provider", "ecb"}), 2);
}

TEST_F(RefreshFlagsTest, ProviderNamesAreKnownAndGivenOnce) {
  for (const char* list : {"frankfurter", "ecb,ecb", "ecb,", ",ecb", "", "ECB", "ecb, bcb_ptax"}) {
    EXPECT_EQ(check({"--store", db(), "--refresh", list}), 2) << list;
  }
}

TEST_F(RefreshFlagsTest, FeedUrlsNameAProviderOfRefresh) {
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--store", db(), "--refresh", "ecb"};
    args.insert(args.end(), extra.begin(), extra.end());
    return check(args);
  };
  EXPECT_EQ(with({"--feed-url", "ecb=http://127.0.0.1:8080/feeds/"}), 0);
  EXPECT_EQ(with({"--feed-url", "bcb_ptax=http://127.0.0.1:1/"}), 2);  // not in --refresh
  EXPECT_EQ(with({"--feed-url", "nope=http://127.0.0.1:1/"}), 2);
  EXPECT_EQ(with({"--feed-url", "http://127.0.0.1:1/"}), 2);
  EXPECT_EQ(with({"--feed-url", "ecb="}), 2);
  EXPECT_EQ(with({"--feed-url", "ecb=ftp://127.0.0.1/"}), 2);
  EXPECT_EQ(with({"--feed-url", "ecb=http://a/", "--feed-url", "ecb=http://b/"}), 2);
  EXPECT_EQ(with({"--feed-ca", dir_.file("none.pem")}), 2);
}

TEST_F(RefreshFlagsTest, FallbackAfterTakesSecondsOrADuration) {
  const auto with = [&](const char* value) {
    return check({"--store", db(), "--refresh", "ecb", "--fallback-after", value});
  };
  for (const char* good : {"0", "24", "86400", "1h30m", "24h", "8760h"}) {
    EXPECT_EQ(with(good), 0) << good;
  }
  for (const char* bad : {"-1", "a day", "1d", "24 h", "8761h", ""}) {  // 8761h: over a year
    EXPECT_EQ(with(bad), 2) << bad;
  }
}

TEST_F(RefreshFlagsTest, MaxJumpIsAFactorAboveOneAndOnJumpRefusesOrLogs) {
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--store", db(), "--refresh", "ecb"};
    args.insert(args.end(), extra.begin(), extra.end());
    return check(args);
  };
  for (const char* good : {"1.5", "2", "1.01", "1000"}) {
    EXPECT_EQ(with({"--max-jump", good}), 0) << good;
  }
  for (const char* bad : {"1", "0.5", "-2", "1000.1", "x1.5", "", "1e3"}) {
    EXPECT_EQ(with({"--max-jump", bad}), 2) << bad;
  }
  EXPECT_EQ(with({"--on-jump", "log"}), 0);
  EXPECT_EQ(with({"--on-jump", "refuse", "--max-jump", "3"}), 0);
  EXPECT_EQ(with({"--on-jump", "ignore"}), 2);
}

TEST_F(RefreshFlagsTest, FeedFlagsNeedRefresh) {
  EXPECT_EQ(check({"--store", db(), "--feed-url", "ecb=http://127.0.0.1:1/"}), 2);
  EXPECT_EQ(check({"--fallback-after", "24h"}), 2);
  EXPECT_EQ(check({"--max-jump", "2"}), 2);
  EXPECT_EQ(check({"--on-jump", "log"}), 2);
}

TEST_F(RefreshFlagsTest, CheckRefusesABadStore) {
  std::ofstream(db()) << "not a database, not at all, but long enough to be read as one...";
  EXPECT_EQ(check({"--store", db(), "--refresh", "ecb"}), 2);
}

TEST_F(RefreshFlagsTest, TheFileProviderReadsFeedFile) {
  const std::string rates = dir_.file("rates.json");
  std::ofstream(rates) << R"({"base":"BRL","as_of":"2024-10-03","source":"t",)"
                       << R"("quotes":{"USD":"5.10","EUR":"5.60"}})";
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--store", db()};
    args.insert(args.end(), extra.begin(), extra.end());
    return check(args);
  };
  EXPECT_EQ(with({"--refresh", "ecb,file", "--feed-file", rates}), 0);
  EXPECT_EQ(with({"--refresh", "file", "--feed-file", rates, "--fallback-after", "1h"}), 0);
  EXPECT_EQ(with({"--refresh", "ecb", "--feed-file", rates}), 2);  // no file provider
  EXPECT_EQ(with({"--feed-file", rates}), 2);
  EXPECT_EQ(with({"--refresh", "ecb,file", "--feed-file", rates, "--feed-url",
                  "file=http://127.0.0.1:1/"}),
            2);  // a file has no URL
  EXPECT_EQ(with({"--refresh", "ecb,file,file", "--feed-file", rates}), 2);
  // --check reads the file as every fetch will: a missing or bad one is said now.
  EXPECT_EQ(with({"--refresh", "ecb,file", "--feed-file", dir_.file("none.json")}), 2);
  std::ofstream(dir_.file("bad.json")) << R"({"base":"BRL"})";
  EXPECT_EQ(with({"--refresh", "ecb,file", "--feed-file", dir_.file("bad.json")}), 2);
}

TEST_F(RefreshFlagsTest, UsageErrorsAreOneLineOnStderr) {
  for (const char* list : {"ecb,file", "ecb,ftp"}) {  // file without its path; unknown
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(check({"--store", db(), "--refresh", list}), 2) << list;
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_TRUE(err.starts_with("conv converter: error: --refresh")) << err;
  }
}

}  // namespace
}  // namespace conv::cli
