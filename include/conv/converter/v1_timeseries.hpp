#pragma once

#include "conv/converter/catalog.hpp"
#include "conv/converter/v1_params.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

// GET /v1/timeseries?start=2024-01-01[&end=2024-12-31][&base=USD][&symbols=EUR,JPY]
// Every published day from start to end (default: the latest), each day's rates as /v1/rates
// shows them: {"base","start_date","end_date","provider","rate_decimals","rates":{day:{..}}}.
// start_date and end_date are the first and last days served. A currency a day does not
// quote is left out of that day (a day without the base, out altogether). Refused: end before
// start (400 invalid_range), more than kMaxTimeseriesCells rates (400 range_too_large: ask for
// fewer symbols or a shorter range), no day in the range (404 no_rates).
http::Response v1_timeseries(const QueryParams& query, const RatesView& view, bool strict = false);

// Bounds one answer's size (about 30 bytes a rate), whatever the range.
inline constexpr std::size_t kMaxTimeseriesCells = 100'000;

// The days from `first` to `last`, or invalid_range, no_rates or range_too_large for
// `symbols` rates a day (shared with the Frankfurter interval route).
Param<std::span<const RateTable>> days_between(const RatesCatalog& catalog, Date first, Date last,
                                               std::size_t symbols);

}  // namespace conv::converter
