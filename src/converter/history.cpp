#include "conv/converter/history.hpp"

#include <algorithm>

namespace conv::converter {

namespace {

// The day's rate of `code`, the base being exactly 1.
std::optional<Decimal> rate_of(const PublishedDay& day, std::string_view code) {
  if (code == day.base) return Decimal(1, 0);
  const auto it = day.rates.find(code);
  if (it == day.rates.end()) return std::nullopt;
  return it->second;
}

}  // namespace

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

std::optional<Decimal> convert_on(const PublishedDay& day, const Decimal& amount,
                                  std::string_view from, std::string_view to, unsigned scale,
                                  Rounding rounding) {
  const auto f = rate_of(day, from);
  const auto t = rate_of(day, to);
  if (!f || !t) return std::nullopt;
  // in_base: a unit of X is worth rate(X) of the base: amount * rate(from) / rate(to).
  // per_base: a unit of the base buys rate(X) of X: amount * rate(to) / rate(from).
  if (day.direction == PublishedDay::Direction::in_base) {
    return multiply_divide_rounded(amount, *f, *t, scale, rounding);
  }
  return multiply_divide_rounded(amount, *t, *f, scale, rounding);
}

}  // namespace conv::converter
