#include "conv/converter/feeds/feed_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

class FeedFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) const {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  conv::testing::TempDir dir_{"conv-feed-file"};
};

TEST_F(FeedFileTest, AFileUrlIsTheSchemeAndThePathAsIs) {
  EXPECT_EQ(file_url("/etc/conv/rates 1.json"), "file:///etc/conv/rates 1.json");
  EXPECT_EQ(file_url_path("file:///etc/conv/rates.json"), "/etc/conv/rates.json");
  EXPECT_EQ(file_url_path("https://example.com/rates.json"), std::nullopt);
}

TEST_F(FeedFileTest, ReadsTheWholeFile) {
  const auto r = read_feed_file(write("rates.json", "{\"a\": 1}\n"), 1024);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body, "{\"a\": 1}\n");
  EXPECT_TRUE(read_feed_file(write("empty.json", ""), 1024).ok());  // the parser refuses it
}

TEST_F(FeedFileTest, AMissingFileOrADirectoryIsUnreadable) {
  const auto missing = read_feed_file(dir_.file("none.json"), 1024);
  EXPECT_EQ(missing.failure, FetchFailure::unreadable);
  EXPECT_NE(missing.detail.find("No such file"), std::string::npos) << missing.detail;
  const auto directory = read_feed_file(dir_.path().string(), 1024);
  EXPECT_EQ(directory.failure, FetchFailure::unreadable);
  EXPECT_EQ(directory.detail, "not a regular file");
}

TEST_F(FeedFileTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = dir_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_feed_file(fifo, 1024).failure, FetchFailure::unreadable);
}

TEST_F(FeedFileTest, AFileOverTheLimitIsTooLarge) {
  const auto path = write("big.json", std::string(1025, ' '));
  const auto r = read_feed_file(path, 1024);
  EXPECT_EQ(r.failure, FetchFailure::too_large);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(read_feed_file(path, 1025).ok());
}

}  // namespace
}  // namespace conv::converter
