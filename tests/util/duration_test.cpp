#include "conv/util/duration.hpp"

#include <gtest/gtest.h>

namespace conv::util {
namespace {

TEST(Duration, UnitsAddUp) {
  EXPECT_EQ(duration_seconds("250ms"), 0.25);
  EXPECT_EQ(duration_seconds("30s"), 30.0);
  EXPECT_EQ(duration_seconds("1m30s"), 90.0);
  EXPECT_EQ(duration_seconds("24h"), 86400.0);
  EXPECT_EQ(duration_seconds("1.5s"), 1.5);
  for (const char* bad : {"", "5", "-5s", "+5s", "5d", "s", "5s ", "1h-1m"}) {
    EXPECT_FALSE(duration_seconds(bad)) << bad;
  }
}

TEST(Duration, ABareNumberIsSeconds) {
  EXPECT_EQ(seconds_or_duration("86400"), 86400.0);
  EXPECT_EQ(seconds_or_duration("0.5"), 0.5);
  EXPECT_EQ(seconds_or_duration("24h"), 86400.0);
  for (const char* bad : {"", "-1", "1e3", "24 h", "day"}) {
    EXPECT_FALSE(seconds_or_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace conv::util
