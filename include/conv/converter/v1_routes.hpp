#pragma once

#include "conv/converter/catalog.hpp"
#include "conv/converter/v1_params.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

// The versioned API. Amounts are exact decimals end to end and travel as JSON strings.
// A parameter given twice is refused (400 duplicate_parameter); an unknown one is ignored,
// or refused (400 unknown_parameter) if `strict` (but the cache-buster `_`). Every answer says
// which day's rates it used (as_of) and whose (provider); with date=YYYY-MM-DD, the rates in
// force that day: its own, else the last earlier day's (a weekend, a holiday), and the answer
// shows requested_date beside as_of. Before the first stored day: 404 no_rates. "stale" is
// true when the latest rates are past the view's stale policy (or 503 rates_stale, if it
// refuses them), unless date= is a day they are settled on (freshness.hpp: a weekend after
// them). Cache-Control follows the day: until the provider's next publication for the latest
// rates, a day for a past day's or for settled ones.
//
// GET /v1/convert?amount=15.00&from=BRL&to=USD,EUR[&rounding=half_even][&date=2024-10-03]
//   amount: required, > 0, at most kMaxAmount, at most kMaxAmountScale decimal places.
//   from: defaults to the rates' base; to: defaults to every other currency.
//   Each result is computed exactly through the base (never inverting a rate) and rounded once
//   to the target currency's ISO 4217 minor units (half away from zero unless
//   rounding=half_even). The answer shows the rate each applied, to kRateDecimals places.
http::Response v1_convert(const QueryParams& query, const RatesView& view, bool strict = false);

// GET /v1/rates[?base=USD][&symbols=EUR,JPY][&date=...]: units of each currency one unit of
// `base` buys, rounded to kRateDecimals places (display only; conversions use the exact
// quotes), and the exact quotes as published (quotes_direction says which way).
http::Response v1_rates(const QueryParams& query, const RatesView& view, bool strict = false);

// GET /v1/currencies: the currencies the latest rates cover, with names and minor units.
http::Response v1_currencies(const QueryParams& query, const RateTable& rates, bool strict = false);

}  // namespace conv::converter
