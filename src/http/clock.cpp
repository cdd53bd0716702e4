#include "conv/http/clock.hpp"

#include <cstdio>
#include <string>

namespace conv::http {

namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Cached {
  std::time_t second = -1;
  std::string text;
};

template <typename Format>
std::string_view cached_now(Cached& cache, Format format) {
  const std::time_t now = std::time(nullptr);
  if (now != cache.second) {
    cache.text = format(now);
    cache.second = now;
  }
  return cache.text;
}

}  // namespace

std::string format_http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string format_log_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string_view http_date_now() {
  thread_local Cached cache;
  return cached_now(cache, format_http_date);
}

std::string_view log_time_now() {
  thread_local Cached cache;
  return cached_now(cache, format_log_time);
}

}  // namespace conv::http
