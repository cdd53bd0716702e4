#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "conv/converter/date.hpp"
#include "conv/converter/feeds/published_day.hpp"
#include "conv/converter/rates.hpp"

namespace conv::converter {

// Every day of rates the converter serves, oldest first: one day from a rates file, or a
// provider's whole history. Immutable once built, so request threads read it without a lock
// (RateStore replaces it whole). Only the latest day has its cross rates made in advance; a
// past day's are computed when asked (25 years of 30 currencies would be 5 million strings).
class RatesCatalog {
 public:
  // `days` must be non-empty; sorted here. Throws RatesError if two share a date.
  explicit RatesCatalog(std::vector<RateTable> days);

  const RateTable& latest() const { return days_.back(); }
  // The latest day's BRL per USD and per EUR for the legacy route with --legacy-rates follow
  // (followed_legacy()), made with the catalog so that requests only read them.
  const std::optional<RateTable::Legacy>& followed_legacy() const { return followed_legacy_; }
  // The rates in force on `date`: that day's, else the last earlier day's (a weekend, a
  // holiday). Null before the first day.
  const RateTable* on(Date date) const;
  // The days from `first` to `last`, both included.
  std::span<const RateTable> between(Date first, Date last) const;
  Date first_date() const { return date_of(days_.front()); }
  std::size_t size() const { return days_.size(); }

  static Date date_of(const RateTable& day) {
    return Date::from_days(static_cast<std::int32_t>(day.as_of_epoch / 86'400));
  }

 private:
  std::vector<RateTable> days_;
  std::optional<RateTable::Legacy> followed_legacy_;
};

// One published day as the converter serves it (exact, in the provider's own direction).
// Takes the day's rates rather than copying them.
RateTable table_from_day(PublishedDay day);

// A provider's stored days as a catalog, each day's rates moved, not copied (a reload holds
// two histories at its peak, the old and the new, not three); null if there are none.
std::shared_ptr<const RatesCatalog> catalog_from_days(std::vector<PublishedDay> days);

}  // namespace conv::converter
