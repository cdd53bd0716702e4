#include "conv/converter/feeds/acceptance.hpp"

#include <limits>
#include <map>

#include "conv/converter/feeds/plausibility.hpp"

namespace conv::converter {

namespace {

std::span<const PublishedDay> all_days(const RateHistory* h) {
  if (!h) return {};
  return h->between(Date::from_days(std::numeric_limits<std::int32_t>::min()),
                    Date::from_days(std::numeric_limits<std::int32_t>::max()));
}

bool same_day(const PublishedDay& a, const PublishedDay& b) {
  return a.base == b.base && a.direction == b.direction && a.rates == b.rates;
}

// The day in force just before `date`: the later of the previous fetched day and the held one.
const PublishedDay* previous_of(const RateHistory* current, const PublishedDay* fetched_before,
                                Date date) {
  const PublishedDay* held = current ? current->on(date.previous()) : nullptr;
  if (!held) return fetched_before;
  if (!fetched_before) return held;
  return fetched_before->date > held->date ? fetched_before : held;
}

// Refused, with the notes so far (what was dropped explains an empty day).
Acceptance refuse(Acceptance a, std::string detail) {
  a.failure = FetchFailure::implausible;
  a.detail = std::move(detail);
  return a;
}

}  // namespace

Acceptance accept_days(const RateHistory* current, std::vector<PublishedDay> fetched,
                       const AcceptRules& rules) {
  Acceptance out;
  const PublishedDay* before = nullptr;
  for (auto& day : fetched) {
    const std::string when = day.date.text();
    if (day.provider != rules.provider)
      return refuse(std::move(out), when + ": a day of " + day.provider);
    if (day.date > rules.today) return refuse(std::move(out), when + ": a day after today");
    const auto found = check_day(day, previous_of(current, before, day.date), rules.max_factor);
    for (const auto& code : found.dropped) out.notes.push_back(when + ": dropped " + code);
    for (const auto& jump : found.jumps) out.notes.push_back(when + ": jump " + jump);
    if (day.rates.empty()) return refuse(std::move(out), when + ": no rate of a known currency");
    if (!found.jumps.empty() && rules.refuse_jumps) {
      return refuse(std::move(out), when + ": a jump beyond x" + rules.max_factor.to_string() +
                                        ": " + found.jumps.front());
    }
    before = &day;
  }
  for (auto& day : fetched) {
    const PublishedDay* held = current ? current->on(day.date) : nullptr;
    if (held && held->date == day.date && same_day(*held, day)) continue;
    out.changed.push_back(std::move(day));
  }
  return out;
}

std::shared_ptr<const RateHistory> merge_history(const RateHistory* current,
                                                 const std::vector<PublishedDay>& changed) {
  std::map<std::int32_t, PublishedDay> by_date;
  for (const auto& day : all_days(current)) by_date.insert_or_assign(day.date.days(), day);
  for (const auto& day : changed) by_date.insert_or_assign(day.date.days(), day);
  std::vector<PublishedDay> days;
  days.reserve(by_date.size());
  for (auto& [_, day] : by_date) days.push_back(std::move(day));
  return std::make_shared<const RateHistory>(std::move(days));
}

}  // namespace conv::converter
