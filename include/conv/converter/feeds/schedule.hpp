#pragma once

#include <chrono>

#include "conv/converter/date.hpp"

namespace conv::converter {

// When each provider publishes, so that the refresher fetches soon after and answers can be
// cached until the next publication (Cache-Control). A provider without a calendar (the
// `file` provider: an operator's rates file) has none: std::optional<Provider> is empty, and
// it is read at a fixed interval and never overdue (refresh_plan.hpp, freshness.hpp).
enum class Provider {
  ecb,       // about 16:00 CET/CEST, on TARGET2 business days
  bcb_ptax,  // the closing PTAX about 13:00 Brasília time (UTC-3), on Brazilian business days
};

// Easter Sunday of `year` (Gregorian), the anchor of the movable holidays.
Date easter(int year);

// Whether `provider` publishes rates for `day`: not a weekend, not one of its closing days
// (TARGET2: 1 Jan, Good Friday, Easter Monday, 1 May, 25 and 26 Dec; Brazil's national
// holidays and Carnival Monday and Tuesday, Good Friday and Corpus Christi).
bool publishes_on(Provider provider, Date day);

// When `provider`'s rates for `day` are expected (a publishing day), in UTC: 16:00 in
// Frankfurt (15:00 UTC, 14:00 UTC in European summer time); 13:00 in Brasília (16:00 UTC).
std::chrono::sys_seconds expected_at(Provider provider, Date day);

// The first expected publication strictly after `now`.
std::chrono::sys_seconds next_publication(Provider provider, std::chrono::sys_seconds now);

}  // namespace conv::converter
