#include "conv/converter/v1_timeseries.hpp"

#include "conv/util/json_fields.hpp"

namespace conv::converter {

namespace {

// start= (required) and end= (default: the latest day).
Param<std::pair<Date, Date>> range_param(const QueryParams& query, const RatesCatalog& catalog) {
  auto start = date_param(query, "start");
  if (auto* e = std::get_if<ApiError>(&start)) return *e;
  auto end = date_param(query, "end");
  if (auto* e = std::get_if<ApiError>(&end)) return *e;
  const auto first = std::get<std::optional<Date>>(start);
  if (!first) {
    return ApiError{400, "missing_parameter",
                    "parameter 'start' is required, e.g. start=2024-01-01"};
  }
  const auto last = std::get<std::optional<Date>>(end);
  return std::pair{*first, last.value_or(RatesCatalog::date_of(catalog.latest()))};
}

void write_day(util::JsonFields& out, const RateTable& day, const std::string& base,
               const std::vector<std::string>& symbols) {
  if (!day.quote(base)) return;
  out.object(day.as_of, [&](util::JsonFields& rates) {
    for (const auto& code : symbols) {
      if (code != base && day.quote(code)) rates.string(code, day.cross_rate(base, code));
    }
  });
}

}  // namespace

Param<std::span<const RateTable>> days_between(const RatesCatalog& catalog, Date first, Date last,
                                               std::size_t symbols) {
  if (last < first) {
    return ApiError{400, "invalid_range",
                    "the end " + last.text() + " is before the start " + first.text()};
  }
  const auto days = catalog.between(first, last);
  if (days.empty()) {
    return ApiError{404, "no_rates",
                    "no rates published from " + first.text() + " to " + last.text()};
  }
  if (days.size() * std::max<std::size_t>(symbols, 1) > kMaxTimeseriesCells) {
    return ApiError{400, "range_too_large",
                    std::to_string(days.size()) + " days of " + std::to_string(symbols) +
                        " currencies exceed " + std::to_string(kMaxTimeseriesCells) +
                        " rates; ask for fewer symbols or a shorter range"};
  }
  return days;
}

http::Response v1_timeseries(const QueryParams& query, const RatesView& view, bool strict) {
  const RatesCatalog& catalog = view.catalog;
  if (auto e = check_params(query, {"start", "end", "base", "symbols"}, strict)) {
    return e->response();
  }
  auto range = range_param(query, catalog);
  if (auto* e = std::get_if<ApiError>(&range)) return e->response();
  const RateTable& latest = catalog.latest();
  std::string base = latest.base;
  if (const std::string* raw = param(query, "base")) {
    auto c = currency_param(*raw, "base", latest);
    if (auto* e = std::get_if<ApiError>(&c)) return e->response();
    base = std::get<std::string>(c);
  }
  std::vector<std::string> symbols;
  if (const std::string* raw = param(query, "symbols")) {
    auto list = currency_list(*raw, "symbols", latest, base);
    if (auto* e = std::get_if<ApiError>(&list)) return e->response();
    symbols = std::get<std::vector<std::string>>(std::move(list));
  } else {
    for (const auto& [code, q] : latest.quotes) symbols.push_back(code);
  }
  const auto [first, last] = std::get<std::pair<Date, Date>>(range);
  auto days = days_between(catalog, first, last, symbols.size());
  if (auto* e = std::get_if<ApiError>(&days)) return e->response();
  const auto span = std::get<std::span<const RateTable>>(days);

  http::Response response;
  const auto end = param(query, "end") ? std::optional<Date>(last) : std::nullopt;
  if (const auto cache = cache_control_until(view, span.back(), end); !cache.empty()) {
    response.headers.emplace_back("Cache-Control", cache);
  }
  util::JsonFields body(response.body);
  body.string("base", base)
      .string("start_date", span.front().as_of)
      .string("end_date", span.back().as_of)
      .string("provider", latest.provider)
      .integer("rate_decimals", kRateDecimals)
      .object("rates",
              [&](util::JsonFields& out) {
                for (const RateTable& day : span) write_day(out, day, base, symbols);
              })
      .close();
  response.body += '\n';
  return response;
}

}  // namespace conv::converter
