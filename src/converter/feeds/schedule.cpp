#include "conv/converter/feeds/schedule.hpp"

#include <array>

namespace conv::converter {

namespace {

namespace chr = std::chrono;

Date on(int year, unsigned month, unsigned day) {
  const chr::year_month_day ymd{chr::year(year), chr::month(month), chr::day(day)};
  return Date::from_days(chr::sys_days(ymd).time_since_epoch().count());
}

chr::year_month_day calendar(Date d) {
  return chr::year_month_day{chr::sys_days(chr::days(d.days()))};
}

// The last Sunday of `month`: where European summer time begins (March) and ends (October).
Date last_sunday(int year, unsigned month) {
  const chr::year_month_weekday_last last{chr::year(year), chr::month(month),
                                          chr::weekday_last(chr::Sunday)};
  return Date::from_days(chr::sys_days(last).time_since_epoch().count());
}

// European summer time, from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
// Sunday of October: at 16:00 local time it is simply the days in between.
bool european_summer(Date day) {
  const int year = static_cast<int>(calendar(day).year());
  return day >= last_sunday(year, 3) && day < last_sunday(year, 10);
}

bool target_closed(Date day, int year) {
  const Date e = easter(year);
  for (const Date closed :
       {on(year, 1, 1), Date::from_days(e.days() - 2), Date::from_days(e.days() + 1),
        on(year, 5, 1), on(year, 12, 25), on(year, 12, 26)}) {
    if (day == closed) return true;
  }
  return false;
}

// Brazil's national holidays (Lei 662/1949, 6.802/1980, 14.759/2023) and the movable days
// the market closes on.
bool brazil_closed(Date day, int year) {
  const Date e = easter(year);
  const std::array fixed = {on(year, 1, 1),   on(year, 4, 21), on(year, 5, 1),   on(year, 9, 7),
                            on(year, 10, 12), on(year, 11, 2), on(year, 11, 15), on(year, 12, 25)};
  for (const Date closed : fixed) {
    if (day == closed) return true;
  }
  if (year >= 2024 && day == on(year, 11, 20)) return true;  // Consciência Negra
  for (const int offset : {-48, -47, -2, 60}) {              // Carnival, Good Friday, Corpus
    if (day.days() == e.days() + offset) return true;
  }
  return false;
}

}  // namespace

Date easter(int year) {
  // The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return on(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

bool publishes_on(Provider provider, Date day) {
  if (day.weekend()) return false;
  const int year = static_cast<int>(calendar(day).year());
  return provider == Provider::ecb ? !target_closed(day, year) : !brazil_closed(day, year);
}

chr::sys_seconds expected_at(Provider provider, Date day) {
  const chr::sys_seconds midnight{chr::seconds(day.epoch_seconds())};
  if (provider == Provider::bcb_ptax) return midnight + chr::hours(16);
  return midnight + chr::hours(european_summer(day) ? 14 : 15);
}

chr::sys_seconds next_publication(Provider provider, chr::sys_seconds now) {
  Date day = Date::from_days(
      static_cast<std::int32_t>(chr::floor<chr::days>(now).time_since_epoch().count()));
  // At most two weeks ahead: no calendar closes longer.
  for (int i = 0; i < 15; ++i, day = day.next()) {
    if (publishes_on(provider, day) && expected_at(provider, day) > now) {
      return expected_at(provider, day);
    }
  }
  return now + chr::hours(24);
}

}  // namespace conv::converter
