#include "conv/converter/date.hpp"

#include <chrono>
#include <cstdio>

namespace conv::converter {

namespace {

namespace chr = std::chrono;

// The value of a run of digits.
int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool Date::shaped(std::string_view s) {
  if (s.size() != 10) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

std::optional<Date> Date::parse(std::string_view iso) {
  if (!shaped(iso)) return std::nullopt;
  const int y = number(iso.substr(0, 4));
  const int m = number(iso.substr(5, 2));
  const int d = number(iso.substr(8, 2));
  if (y < 1970 || m < 1 || d < 1) return std::nullopt;
  const chr::year_month_day ymd{chr::year(y), chr::month(static_cast<unsigned>(m)),
                                chr::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return Date(chr::sys_days(ymd).time_since_epoch().count());
}

std::string Date::text() const {
  const chr::year_month_day ymd{chr::sys_days(chr::days(days_))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool Date::weekend() const {
  const chr::weekday w{chr::sys_days(chr::days(days_))};
  return w == chr::Saturday || w == chr::Sunday;
}

}  // namespace conv::converter
