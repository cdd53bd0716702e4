#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "conv/converter/feeds/schedule.hpp"
#include "conv/converter/rates.hpp"

namespace conv::converter {

// When the latest rates count as stale, and what answers then do.
struct StalePolicy {
  // Stale once the provider's next day is overdue by this much (it publishes daily; a file,
  // which has no schedule, is never stale).
  std::chrono::seconds after{std::chrono::hours(6)};
  bool refuse = false;  // answer 503 rates_stale instead of "stale": true
};

// How fresh a provider's latest rates are at one moment: for the answers that use them.
struct Freshness {
  bool stale = false;
  // Cache-Control until the next expected publication (a minute once it is overdue: newer
  // rates may come any moment); empty for rates without a schedule (the read policy's).
  std::string cache_control;
};

// The publication schedule of a provider by name ("ecb", "bcb_ptax"); none for "file".
std::optional<Provider> scheduled_provider(std::string_view name);

// `latest`'s freshness at `now`: its provider's next day is due at the first expected
// publication after `latest`'s own.
Freshness freshness_of(const RateTable& latest, std::chrono::sys_seconds now,
                       const StalePolicy& policy);

// Whether `day`'s rates are for good those in force on `date` (not before it): its provider
// publishes on no day after `day` up to `date` (`date` is `day`, or a weekend or holidays after
// it), so no publication to come changes an answer for `date`. Never for rates without a
// schedule (a rates file may change at any time).
bool settled_on(const RateTable& day, Date date);

// Cache-Control of an answer from a past day's rates, which do not change (and of one settled_on
// its date).
inline constexpr std::string_view kPastDayCacheControl = "public, max-age=86400";

}  // namespace conv::converter
