#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "conv/converter/catalog.hpp"
#include "conv/converter/decimal.hpp"
#include "conv/converter/freshness.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The query parameters of the read routes, each read one way: a bad value is an ApiError,
// which the route turns into the API's one error shape (400 unless said otherwise).
struct ApiError {
  unsigned status;
  std::string code;
  std::string message;

  http::Response response() const;
};

template <typename T>
using Param = std::variant<T, ApiError>;

// What a read route answers from: the days of rates, and how fresh the latest is now.
struct RatesView {
  RatesView(const RatesCatalog& c) : catalog(c) {}  // NOLINT: fresh rates, the policy's caching
  RatesView(const RatesCatalog& c, const Freshness* f, bool refuse)
      : catalog(c), fresh(f), refuse_stale(refuse) {}

  const RatesCatalog& catalog;
  const Freshness* fresh = nullptr;  // null: never stale, the read policy's Cache-Control
  bool refuse_stale = false;         // 503 rates_stale instead of "stale": true
};

// The day an answer uses, and what it says of it.
struct DayServed {
  const RateTable* day = nullptr;
  std::optional<Date> requested;   // date=, when given
  bool stale = false;              // the latest day's, a publication to come may change: stale
  std::string_view cache_control;  // empty: the read policy's

  // Cache-Control, when the day's freshness decides it.
  void set_cache_control(http::Response& r) const;
};

// The day in force on `date` (or the latest), with its freshness: the latest day's, unless it
// is settled_on `date` (then a past day's); 404 no_rates before the first day, 503 rates_stale
// for stale latest rates when the view refuses them.
Param<DayServed> serve_day(const RatesView& view, std::optional<Date> date);
// The Cache-Control of an answer spanning days up to `last`, asked up to `end` (none: open, up to
// whatever the latest day is).
std::string_view cache_control_until(const RatesView& view, const RateTable& last,
                                     std::optional<Date> end);

// Each `allowed` parameter at most once; with `strict`, no other but the cache-buster `_`
// (others are ignored, as public read APIs do).
std::optional<ApiError> check_params(const QueryParams& query,
                                     std::initializer_list<std::string_view> allowed, bool strict);

// The value of `key`, or null.
const std::string* param(const QueryParams& query, std::string_view key);

// A currency `rates` quotes (any case), or unknown_currency naming the parameter.
Param<std::string> currency_param(std::string_view raw, std::string_view name,
                                  const RateTable& rates);

// A comma-separated list of quoted currencies, none twice and none equal to `except`.
Param<std::vector<std::string>> currency_list(std::string_view raw, std::string_view name,
                                              const RateTable& rates, std::string_view except);

// amount=: required, > 0, at most kMaxAmount, at most kMaxAmountScale decimal places.
Param<Decimal> amount_param(const QueryParams& query);
Param<Rounding> rounding_param(const QueryParams& query);

// A YYYY-MM-DD parameter (400 invalid_date), or nothing if absent.
Param<std::optional<Date>> date_param(const QueryParams& query, std::string_view key);

std::string upper(std::string_view s);

// The ISO 4217 minor units of `code` (2 if unknown).
unsigned minor_units(std::string_view code);

inline constexpr std::string_view kMaxAmount = "1000000000000";  // one trillion
inline constexpr unsigned kMaxAmountScale = 18;

}  // namespace conv::converter
