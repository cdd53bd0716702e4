#include "conv/converter/feeds/refresh_plan.hpp"

#include <algorithm>

namespace conv::converter {

namespace chr = std::chrono;

namespace {

std::uint64_t seed_of(std::uint64_t configured) {
  if (configured != 0) return configured;
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

Date day_of(chr::sys_seconds t) {
  return Date::from_days(
      static_cast<std::int32_t>(chr::floor<chr::days>(t).time_since_epoch().count()));
}

}  // namespace

RefreshPlan::RefreshPlan(std::optional<Provider> provider, PlanSettings settings,
                         std::optional<Date> latest, chr::sys_seconds now)
    : provider_(provider), settings_(settings), latest_(latest), random_(seed_of(settings.seed)) {
  plan(now, false);
}

Date RefreshPlan::expected_day(chr::sys_seconds now) const {
  Date day = day_of(now);
  if (!provider_) return day;
  // No calendar closes for two weeks; the bound keeps the loop finite whatever the clock says.
  for (int i = 0; i < 15; ++i, day = day.previous()) {
    if (publishes_on(*provider_, day) && expected_at(*provider_, day) + settings_.grace <= now) {
      return day;
    }
  }
  return day;
}

void RefreshPlan::plan(chr::sys_seconds now, bool just_fetched) {
  if (!provider_) return plan_reread(now, just_fetched);
  const Date expected = expected_day(now);
  const bool behind = !latest_ || *latest_ < expected;
  const bool gave_up = now > expected_at(*provider_, expected) + settings_.repoll_for;
  if (!behind || (just_fetched && gave_up)) {
    // Up to date, or the expected day never came: the next publication. Counting from
    // now - grace keeps a publication whose grace is still running.
    next_.at = next_publication(*provider_, now - settings_.grace) + settings_.grace;
    next_.kind = FetchKind::latest;
    next_.day = expected_day(next_.at);
    next_.first = next_.day;
    return;
  }
  const bool wide = !latest_ || expected.days() - latest_->days() > settings_.backfill_gap_days;
  next_.at = just_fetched ? now + settings_.repoll : now;
  next_.kind = wide ? FetchKind::backfill : FetchKind::latest;
  next_.day = expected;
  next_.first = wide ? Date::from_days(expected.days() - settings_.backfill_days) : expected;
}

// No day is ever due, so none is behind and none is back-filled: the file says which day it is.
void RefreshPlan::plan_reread(chr::sys_seconds now, bool just_fetched) {
  next_.at = just_fetched ? now + settings_.reread : now;
  next_.kind = FetchKind::latest;
  next_.day = day_of(next_.at);
  next_.first = next_.day;
}

void RefreshPlan::succeeded(chr::sys_seconds now, std::optional<Date> latest) {
  if (latest && (!latest_ || *latest > *latest_)) latest_ = latest;
  failures_ = 0;
  plan(now, true);
}

void RefreshPlan::failed(chr::sys_seconds now) {
  ++failures_;
  // What is due may have moved on during a long outage (a new publication, a gap wide
  // enough to back-fill): the retry asks for that. A failed fetch that was not due (a manual
  // refresh while up to date) waits for the next publication, not for the backoff.
  plan(now, false);
  if (next_.at > now) return;
  // A local file costs nothing to read again; an operator who fixed it expects it soon.
  next_.at = now + (provider_ ? backoff() : std::min(backoff(), settings_.reread));
}

chr::seconds RefreshPlan::backoff() {
  chr::seconds delay = settings_.backoff_first;
  // Doubling stops at the cap, so the shift never overflows however many failures in a row.
  for (unsigned i = 1; i < failures_ && delay < settings_.backoff_cap; ++i) delay *= 2;
  delay = std::min(delay, settings_.backoff_cap);
  const auto spread = delay.count() * std::min(settings_.jitter_permille, 1000u) / 1000;
  if (spread > 0) {
    std::uniform_int_distribution<chr::seconds::rep> part(0, spread);
    delay -= chr::seconds(part(random_));
  }
  return std::max(delay, chr::seconds(1));
}

}  // namespace conv::converter
