#include "conv/converter/date.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

TEST(Date, ParsesAndPrintsRealDaysOnly) {
  const auto d = Date::parse("2024-10-03");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text(), "2024-10-03");
  EXPECT_EQ(d->epoch_seconds(), 1727913600);  // date -u -d 2024-10-03 +%s
  EXPECT_EQ(Date::parse("1970-01-01")->days(), 0);
  EXPECT_EQ(Date::parse("2024-02-29")->next().text(), "2024-03-01");
  EXPECT_EQ(Date::parse("2025-01-01")->previous().text(), "2024-12-31");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "24-10-03",
                          "2024/10/03", "2024-1-03", "1969-12-31", "2024-10-0x", ""}) {
    EXPECT_FALSE(Date::parse(bad)) << bad;
  }
}

TEST(Date, ShapedChecksTheShapeOnly) {
  for (const char* good : {"2024-10-03", "2010-31-01", "0000-00-00", "1969-12-31", "9999-99-99"}) {
    EXPECT_TRUE(Date::shaped(good)) << good;
  }
  for (const char* bad : {"", "24-10-03", "2024/10/03", "2024-1-03", "2024-10-0x", "2024-10-031",
                          "2024-10-3 ", " 024-10-03", "2024--10-03", "2024-10-03..2024-10-04"}) {
    EXPECT_FALSE(Date::shaped(bad)) << bad;
  }
  EXPECT_FALSE(Date::shaped(std::string_view("2024-10-03", 9)));
}

TEST(Date, KnowsWeekends) {
  EXPECT_FALSE(Date::parse("2024-10-04")->weekend());  // a Friday
  EXPECT_TRUE(Date::parse("2024-10-05")->weekend());
  EXPECT_TRUE(Date::parse("2024-10-06")->weekend());
  EXPECT_FALSE(Date::parse("2024-10-07")->weekend());
  EXPECT_LT(*Date::parse("2024-10-04"), *Date::parse("2024-10-05"));
}

}  // namespace
}  // namespace conv::converter
