#pragma once

#include <string>
#include <utility>
#include <vector>

#include "conv/converter/rates.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The versioned API. Amounts are exact decimals end to end and travel as JSON strings.
// A parameter given twice is refused (400 duplicate_parameter); an unknown one is ignored,
// or refused (400 unknown_parameter) if `strict` (but the cache-buster `_`).
//
// GET /v1/convert?amount=15.00&from=BRL&to=USD,EUR[&rounding=half_even]
//   amount: required, > 0, at most kMaxAmount, at most kMaxAmountScale decimal places.
//   from: defaults to the rates' base; to: defaults to every other currency.
//   Each result is amount * quote(from) / quote(to), rounded once to the target currency's
//   ISO 4217 minor units (half away from zero unless rounding=half_even). The answer shows the
//   rate each applied, quote(from) / quote(to), to kRateDecimals places, and its as_of date.
http::Response v1_convert(const QueryParams& query, const RateTable& rates, bool strict = false);

// GET /v1/rates[?base=USD]: units of each currency one unit of `base` buys, rounded to
// kRateDecimals places (display only; conversions use the exact quotes), and the exact quotes.
http::Response v1_rates(const QueryParams& query, const RateTable& rates, bool strict = false);

// GET /v1/currencies: the currencies the rates cover, with names and minor units.
http::Response v1_currencies(const QueryParams& query, const RateTable& rates, bool strict = false);

inline constexpr std::string_view kMaxAmount = "1000000000000";  // one trillion
inline constexpr unsigned kMaxAmountScale = 18;

}  // namespace conv::converter
