#include "conv/converter/v1_routes.hpp"

#include <algorithm>

#include "conv/converter/currency.hpp"
#include "conv/util/json_fields.hpp"

namespace conv::converter {

namespace {

// Which day answers, from date=.
Param<DayServed> day_param(const QueryParams& query, const RatesView& view) {
  auto date = date_param(query, "date");
  if (auto* e = std::get_if<ApiError>(&date)) return *e;
  return serve_day(view, std::get<std::optional<Date>>(date));
}

// as_of, provider, requested_date when date= asked for one (so a weekend's fallback to an
// earlier day shows), and whether the rates are stale.
void day_fields(util::JsonFields& body, const DayServed& asked) {
  body.string("as_of", asked.day->as_of).string("provider", asked.day->provider);
  if (asked.requested) body.string("requested_date", asked.requested->text());
  body.boolean("stale", asked.stale);
}

// The targets of a conversion or a rates table: `list` if given, else every other quoted one.
Param<std::vector<std::string>> targets_param(const std::string* list, std::string_view name,
                                              const RateTable& rates, std::string_view from) {
  if (list) return currency_list(*list, name, rates, from);
  std::vector<std::string> all;
  for (const auto& [code, q] : rates.quotes) {
    if (code != from) all.push_back(code);
  }
  return all;
}

}  // namespace

http::Response v1_convert(const QueryParams& query, const RatesView& view, bool strict) {
  if (auto e = check_params(query, {"amount", "from", "to", "rounding", "date"}, strict)) {
    return e->response();
  }
  auto amount = amount_param(query);
  if (auto* e = std::get_if<ApiError>(&amount)) return e->response();
  auto rounding = rounding_param(query);
  if (auto* e = std::get_if<ApiError>(&rounding)) return e->response();
  auto asked = day_param(query, view);
  if (auto* e = std::get_if<ApiError>(&asked)) return e->response();
  const RateTable& rates = *std::get<DayServed>(asked).day;

  std::string from = rates.base;
  if (const std::string* raw = param(query, "from")) {
    auto c = currency_param(*raw, "from", rates);
    if (auto* e = std::get_if<ApiError>(&c)) return e->response();
    from = std::get<std::string>(c);
  }
  auto targets = targets_param(param(query, "to"), "to", rates, from);
  if (auto* e = std::get_if<ApiError>(&targets)) return e->response();

  const Decimal& a = std::get<Decimal>(amount);
  const Rounding r = std::get<Rounding>(rounding);
  http::Response response;
  std::get<DayServed>(asked).set_cache_control(response);
  util::JsonFields body(response.body);
  body.string("amount", a.to_string()).string("from", from);
  day_fields(body, std::get<DayServed>(asked));
  body.string("rounding", to_string(r))
      .object("results",
              [&](util::JsonFields& results) {
                // Straight through the base, never inverting a rate, rounded once.
                for (const auto& to : std::get<std::vector<std::string>>(targets)) {
                  const auto f = rates.factor(from, to);
                  results.string(
                      to, multiply_divide_rounded(a, f.multiplier, f.divisor, minor_units(to), r)
                              .to_string());
                }
              })
      .object("rates",
              [&](util::JsonFields& applied) {
                // The rate each applied, for display (as /v1/rates shows it).
                for (const auto& to : std::get<std::vector<std::string>>(targets)) {
                  applied.string(to, rates.cross_rate(from, to));
                }
              })
      .integer("rate_decimals", kRateDecimals)
      .close();
  response.body += '\n';
  return response;
}

http::Response v1_rates(const QueryParams& query, const RatesView& view, bool strict) {
  if (auto e = check_params(query, {"base", "symbols", "date"}, strict)) return e->response();
  auto asked = day_param(query, view);
  if (auto* e = std::get_if<ApiError>(&asked)) return e->response();
  const RateTable& rates = *std::get<DayServed>(asked).day;
  std::string base = rates.base;
  if (const std::string* raw = param(query, "base")) {
    auto c = currency_param(*raw, "base", rates);
    if (auto* e = std::get_if<ApiError>(&c)) return e->response();
    base = std::get<std::string>(c);
  }
  auto shown = targets_param(param(query, "symbols"), "symbols", rates, base);
  if (auto* e = std::get_if<ApiError>(&shown)) return e->response();

  http::Response response;
  std::get<DayServed>(asked).set_cache_control(response);
  util::JsonFields body(response.body);
  body.string("base", base);
  day_fields(body, std::get<DayServed>(asked));
  body.string("source", rates.source)
      .object("rates",
              [&](util::JsonFields& out) {
                for (const auto& code : std::get<std::vector<std::string>>(shown)) {
                  out.string(code, rates.cross_rate(base, code));
                }
              })
      .integer("rate_decimals", kRateDecimals)
      .string("quotes_base", rates.base)
      .string("quotes_direction", rates.per_base ? "per_base" : "in_base")
      .object("quotes",
              [&](util::JsonFields& quotes) {
                for (const auto& [code, q] : rates.quotes) {
                  if (code != rates.base) quotes.string(code, q.to_string());
                }
              })
      .close();
  response.body += '\n';
  return response;
}

http::Response v1_currencies(const QueryParams& query, const RateTable& rates, bool strict) {
  if (auto e = check_params(query, {}, strict)) return e->response();
  http::Response response;
  util::JsonFields body(response.body);
  body.object("currencies", [&](util::JsonFields& list) {
    for (const auto& [code, q] : rates.quotes) {
      const auto c = find_currency(code);
      list.object(code, [&](util::JsonFields& entry) {
        entry.string("name", c ? c->name : std::string_view{})
            .integer("minor_units", c ? c->minor_units : 2);
      });
    }
  });
  body.close();
  response.body += '\n';
  return response;
}

}  // namespace conv::converter
