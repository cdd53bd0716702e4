#include "conv/http/clock.hpp"

#include <gtest/gtest.h>

namespace conv::http {
namespace {

TEST(Clock, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(1727914580), "Thu, 03 Oct 2024 00:16:20 GMT");
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(Clock, FormatsNginxTimeLocal) {
  // The first line of the original's balancer log.
  EXPECT_EQ(format_log_time(1727914580), "03/Oct/2024:00:16:20 +0000");
}

TEST(Clock, CachedNowMatchesFreshFormatting) {
  for (int i = 0; i < 3; ++i) {
    const std::time_t before = std::time(nullptr);
    const std::string cached(http_date_now());
    const std::time_t after = std::time(nullptr);
    if (before != after) continue;  // straddled a second: try again
    EXPECT_EQ(cached, format_http_date(before));
    EXPECT_EQ(std::string(log_time_now()), format_log_time(before));
    return;
  }
}

}  // namespace
}  // namespace conv::http
