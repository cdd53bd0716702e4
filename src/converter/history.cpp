#include "conv/converter/history.hpp"

#include <algorithm>

namespace conv::converter {

RateHistory::RateHistory(std::vector<PublishedDay> days) : days_(std::move(days)) {
  std::sort(days_.begin(), days_.end(),
            [](const PublishedDay& a, const PublishedDay& b) { return a.date < b.date; });
  for (std::size_t i = 1; i < days_.size(); ++i) {
    if (days_[i].date == days_[i - 1].date) {
      throw FeedError(days_[i].date.text() + " is published twice");
    }
    if (days_[i].base != days_[0].base || days_[i].direction != days_[0].direction) {
      throw FeedError(days_[i].date.text() + " is quoted against another base");
    }
  }
}

const PublishedDay* RateHistory::on(Date date) const {
  // The first day after `date`; the one before it is in force.
  const auto after =
      std::upper_bound(days_.begin(), days_.end(), date,
                       [](const Date& d, const PublishedDay& day) { return d < day.date; });
  return after == days_.begin() ? nullptr : &*std::prev(after);
}

std::span<const PublishedDay> RateHistory::between(Date first, Date last) const {
  const auto by_date = [](const PublishedDay& day, const Date& d) { return day.date < d; };
  const auto from = std::lower_bound(days_.begin(), days_.end(), first, by_date);
  const auto to = std::upper_bound(
      from, days_.end(), last, [](const Date& d, const PublishedDay& day) { return d < day.date; });
  return {from, to};
}

}  // namespace conv::converter
