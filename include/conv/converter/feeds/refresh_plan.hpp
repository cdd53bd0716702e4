#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "conv/converter/date.hpp"
#include "conv/converter/feeds/schedule.hpp"

namespace conv::converter {

struct PlanSettings {
  using seconds = std::chrono::seconds;
  // After a publication's expected time, before the first fetch: providers publish "about" then.
  seconds grace{std::chrono::minutes(5)};
  // A fetch that brought an older day than expected (not yet published): again after this...
  seconds repoll{std::chrono::minutes(5)};
  // ...until this long after the expected time; then the day is taken as not published (a
  // closing day the calendar does not know) and the next publication is waited for.
  seconds repoll_for{std::chrono::hours(6)};
  // A provider without a calendar (an operator's rates file) is read again this often; a failed
  // read is retried with the backoff below, but never later than this.
  seconds reread{std::chrono::minutes(5)};
  // Failed fetches are retried after first, 2x first, 4x first..., at most cap, each shortened
  // by a random part of up to jitter_permille/1000 of itself, so that replicas restarted
  // together do not fetch together for ever.
  seconds backoff_first{std::chrono::minutes(1)};
  seconds backoff_cap{std::chrono::minutes(30)};
  unsigned jitter_permille = 200;
  // A latest stored day more than this many days before the expected one (or none): the gap is
  // back-filled (the latest feed has only the last day) over backfill_days.
  std::int32_t backfill_gap_days = 4;
  std::int32_t backfill_days = 90;
  std::uint64_t seed = 0;  // of the jitter; 0: a random one (tests give theirs)
};

enum class FetchKind { latest, backfill };

// What to fetch next and when: the latest feed for `day`, or the days from `first` to `day`.
struct PlannedFetch {
  std::chrono::sys_seconds at;
  FetchKind kind = FetchKind::latest;
  Date day = Date::from_days(0);
  Date first = Date::from_days(0);
};

// When one provider's feed is fetched next. A pure state machine: every call takes the time
// (the refresher's clock; tests move a fake one), nothing waits.
//
// The plan follows the provider's calendar (schedule.hpp). The day expected at time t is the
// last publishing day whose expected time plus `grace` is past. While the latest day held is
// that day, the next fetch is the next publication plus grace. When it is behind, a fetch is
// due now: a back-fill if the gap is wide, else the latest feed. A successful fetch that still
// did not bring the expected day polls again every `repoll`, for at most `repoll_for` after the
// expected time. A failed fetch (transport, malformed, implausible) is retried with exponential
// backoff and jitter; a success resets the backoff.
//
// A provider without a calendar (`provider` empty: a local file) has no day expected: it is
// read at once, then every `reread` (the latest fetch, for today), and a failed read is retried
// after the backoff or `reread`, whichever is sooner. Not thread-safe.
class RefreshPlan {
 public:
  RefreshPlan(std::optional<Provider> provider, PlanSettings settings, std::optional<Date> latest,
              std::chrono::sys_seconds now);

  const PlannedFetch& next() const { return next_; }
  std::optional<Date> latest() const { return latest_; }
  unsigned failures() const { return failures_; }

  // A fetch ended well; `latest` is the newest day now held (it may not have moved).
  void succeeded(std::chrono::sys_seconds now, std::optional<Date> latest);
  // A fetch failed: what is due, after the backoff (nothing sooner if nothing is due).
  void failed(std::chrono::sys_seconds now);

  // The day expected at `now` (see the class comment); today (UTC) without a calendar.
  Date expected_day(std::chrono::sys_seconds now) const;

 private:
  void plan(std::chrono::sys_seconds now, bool just_fetched);
  void plan_reread(std::chrono::sys_seconds now, bool just_fetched);
  std::chrono::seconds backoff();

  std::optional<Provider> provider_;
  PlanSettings settings_;
  std::optional<Date> latest_;
  PlannedFetch next_;
  unsigned failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace conv::converter
