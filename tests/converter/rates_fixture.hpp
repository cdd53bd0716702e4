#pragma once

#include <string>
#include <vector>

#include "conv/converter/catalog.hpp"

namespace conv::converter {

// A provider's day as the feeds make it: `rates` as "USD=1.1066,BRL=6.0134".
inline PublishedDay published_day(const std::string& date, const std::string& rates,
                                  const std::string& provider = "ecb") {
  PublishedDay day;
  day.date = *Date::parse(date);
  day.provider = provider;
  day.base = provider == "ecb" ? "EUR" : "BRL";
  day.direction =
      provider == "ecb" ? PublishedDay::Direction::per_base : PublishedDay::Direction::in_base;
  std::string_view rest = rates;
  while (!rest.empty()) {
    const auto comma = std::min(rest.find(','), rest.size());
    const auto item = rest.substr(0, comma);
    const auto eq = item.find('=');
    day.rates.emplace(std::string(item.substr(0, eq)), *Decimal::parse(item.substr(eq + 1)));
    rest.remove_prefix(std::min(comma + 1, rest.size()));
  }
  return day;
}

// Three ECB days around a weekend: Thursday 3, Friday 4 and Monday 7 October 2024.
inline const RatesCatalog& ecb_catalog() {
  static const auto catalog = catalog_from_days({
      published_day("2024-10-03", "USD=1.1036,BRL=6.0029,JPY=161.72"),
      published_day("2024-10-04", "USD=1.0994,BRL=6.0119,JPY=162.14"),
      published_day("2024-10-07", "USD=1.0976,BRL=6.1112,JPY=163.59"),
  });
  return *catalog;
}

}  // namespace conv::converter
