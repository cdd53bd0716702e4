#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conv/converter/decimal.hpp"
#include "conv/converter/feeds/fetch_failure.hpp"
#include "conv/converter/feeds/published_day.hpp"
#include "conv/converter/history.hpp"

namespace conv::converter {

// What the checks made of a fetched answer: refused (`failure` set: nothing is saved, the
// rates in force stay), or the days it changes (new dates, or different rates for a date held).
struct Acceptance {
  std::optional<FetchFailure> failure;
  std::string detail;                 // why refused, for the log
  std::vector<PublishedDay> changed;  // oldest first; empty: nothing new
  std::vector<std::string> notes;     // what was dropped or worth a log line anyway
};

struct AcceptRules {
  std::string provider;             // every day must say this provider
  Date today = Date::from_days(0);  // UTC; a day after it is refused (a clock or feed error)
  Decimal max_factor{15, 1};        // a move beyond x1.5 or /1.5 since the previous day
  bool refuse_jumps = true;         // false: a jump is only logged (check_day's notes)
};

// Checks a fetch's days (merged by date) against `current` (null: nothing held yet), each day
// against the previous one (fetched or held), with check_day: unknown currencies are dropped;
// a day left without rates, a day in the future, a day of another provider, or a jump (if
// refused) refuses the whole answer as implausible. All or nothing, so that a fetch never
// leaves a half-updated history.
Acceptance accept_days(const RateHistory* current, std::vector<PublishedDay> fetched,
                       const AcceptRules& rules);

// `current`'s days with `changed` in place of the same dates, as a new history. Throws
// FeedError if they do not fit together (another base).
std::shared_ptr<const RateHistory> merge_history(const RateHistory* current,
                                                 const std::vector<PublishedDay>& changed);

}  // namespace conv::converter
