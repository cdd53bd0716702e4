#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>

#include "conv/converter/date.hpp"
#include "conv/converter/feeds/schedule.hpp"

namespace conv::converter {

// How old a provider's latest day is at `now`: the time since its publication was expected
// (conv_rates_age_seconds); without a calendar, since the day began (UTC). Friday's ECB rates
// on Monday morning are about 2.7 days old, and still the latest: for "stale", see overdue().
std::chrono::seconds rates_age(std::optional<Provider> provider, Date latest,
                               std::chrono::sys_seconds now);

// How long a publication newer than `latest` has been due and missing at `now`: zero while
// `latest` is the last day expected, and always for a provider without a calendar (nothing is
// ever due from an operator's file). What "stale" and the fallback between providers go by.
std::chrono::seconds overdue(std::optional<Provider> provider, Date latest,
                             std::chrono::sys_seconds now);

// One provider as the fallback sees it: its calendar and its latest day (none: no rates yet).
struct ProviderFreshness {
  std::optional<Provider> schedule;
  std::optional<Date> latest;
};

// Which provider's rates are in force, `providers` in priority order: the first whose rates
// are not overdue by more than `fallback_after`; if none is, the first that has rates at all
// (old rates beat none); nothing if no provider has rates.
std::optional<std::size_t> choose_in_force(std::span<const ProviderFreshness> providers,
                                           std::chrono::sys_seconds now,
                                           std::chrono::seconds fallback_after);

}  // namespace conv::converter
