#pragma once

#include <optional>
#include <string_view>

#include "conv/converter/catalog.hpp"
#include "conv/converter/date.hpp"
#include "conv/converter/v1_params.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

// Frankfurter's API (frankfurter.app, api.frankfurter.dev/v1), so that its clients can point
// at conv unchanged. `path` is what follows the mount point ("/" or "/v1/"):
//   latest (or current)          the latest day
//   YYYY-MM-DD                   the day in force then (a weekend: the last earlier day)
//   YYYY-MM-DD..[YYYY-MM-DD]     every day between (the end defaults to the latest)
//   currencies                   {"EUR":"Euro",...}
// with amount= (default 1), from= or base= (default the provider's base), to= or symbols=.
// The shapes are Frankfurter's: numbers, not strings, each amount * rate rounded as
// Frankfurter rounds (2 to 6 places by size, whole units above 5000), computed exactly first.
// Errors keep its statuses (404 not found, 422 bad input, a date-shaped path that is no date
// included) and its top-level "message", beside conv's one "error" object; stale rates refused
// are 503 rates_stale. Caching as on /v1. Content-Type is Frankfurter's, with charset=utf-8;
// callback=NAME wraps the answer as JSONP, as Frankfurter does, where CORS allows any origin.
struct FrankfurterTarget {
  enum class Kind { currencies, day, interval, bad_date } kind;
  std::optional<Date> first;  // day: none for latest; interval: the first day
  std::optional<Date> last;   // interval: none up to the latest
};

// Which of these `path` is, whatever the rates (parsed once: before any rates are loaded the
// handler answers 503 for these, 404 for other paths); nothing if none.
std::optional<FrankfurterTarget> frankfurter_target(std::string_view path);

// The answer to `target` from `view`'s rates. `jsonp`: whether callback= may wrap it (not when
// CORS is limited to some origins: a script tag would read it from any page).
http::Response frankfurter_route(const FrankfurterTarget& target, const QueryParams& query,
                                 const RatesView& view, bool jsonp);

// Frankfurter's rounding of a rate or an amount, as JSON number text ("1.0956", "165.2",
// "12346").
std::string frankfurter_number(const Decimal& multiplier, const Decimal& amount,
                               const Decimal& divisor);

}  // namespace conv::converter
