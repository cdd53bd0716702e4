#pragma once

#include <span>
#include <vector>

#include "conv/converter/feeds/published_day.hpp"

namespace conv::converter {

// Every published day of one provider's rates, oldest first; immutable once built, so that
// request threads read it without a lock (it is replaced whole, through util::Published).
class RateHistory {
 public:
  // Throws FeedError if two days share a date or the days mix bases or directions.
  explicit RateHistory(std::vector<PublishedDay> days);

  // The rates in force on `date`: that day's if published, else the last earlier day's (a
  // weekend, a holiday: the answer says which day it used). Null before the first day.
  const PublishedDay* on(Date date) const;
  // The days from `first` to `last`, both included (empty if none).
  std::span<const PublishedDay> between(Date first, Date last) const;
  const PublishedDay* latest() const { return days_.empty() ? nullptr : &days_.back(); }
  std::size_t size() const { return days_.size(); }
  std::span<const PublishedDay> days() const { return days_; }

 private:
  std::vector<PublishedDay> days_;
};

}  // namespace conv::converter
