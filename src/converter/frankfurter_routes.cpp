#include "conv/converter/frankfurter_routes.hpp"

#include <algorithm>

#include "conv/converter/currency.hpp"
#include "conv/converter/v1_timeseries.hpp"
#include "conv/http/error_response.hpp"
#include "conv/util/json_fields.hpp"
#include "conv/util/split_list.hpp"

namespace conv::converter {

namespace {

// Frankfurter's, charset included: some clients check it.
constexpr std::string_view kJsonType = "application/json; charset=utf-8";

// {"message":..., "error":{...}}: Frankfurter's field, then conv's one error object.
http::Response compat_error(unsigned status, std::string_view code, std::string_view message) {
  http::Response r = http::error_response(status, code, message);
  std::string body = "{\"message\":";
  util::append_json_string(body, message);
  r.body = body + "," + r.body.substr(1);
  return r;
}

// Ruby's Float#to_s of a decimal: no trailing zeros, but one after the point ("1.0").
std::string float_text(std::string text) {
  if (text.find('.') == std::string::npos) return text + ".0";
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text += '0';
  return text;
}

struct Query {
  Decimal amount{1, 0};
  std::string base;
  std::optional<std::vector<std::string>> symbols;
};

// amount, from|base, to|symbols, read as Frankfurter reads them (upper-cased, comma lists).
std::variant<Query, http::Response> read_query(const QueryParams& query, const RateTable& rates) {
  Query q;
  if (const std::string* raw = param(query, "amount")) {
    auto a = Decimal::parse(*raw);
    if (!a || a->sign() <= 0 || a->scale() > kMaxAmountScale || *a > *Decimal::parse(kMaxAmount)) {
      return compat_error(422, "invalid_amount", "invalid amount");
    }
    q.amount = *a;
  }
  const std::string* base = param(query, "from");
  if (!base) base = param(query, "base");
  q.base = base ? upper(*base) : rates.base;
  const std::string* to = param(query, "to");
  if (!to) to = param(query, "symbols");
  if (to) {
    // An empty to= lists nothing; a final comma ends the list (no empty item after it).
    std::vector<std::string> list;
    std::string_view items = *to;
    if (!items.empty()) {
      if (items.ends_with(',')) items.remove_suffix(1);
      for (const std::string_view code : util::split_list(items)) list.push_back(upper(code));
    }
    if (list.size() == 1 && list.front() == q.base) {
      return compat_error(422, "same_currency", "bad currency pair");
    }
    q.symbols = std::move(list);
  }
  return q;
}

bool wanted(const Query& q, const std::string& code) {
  return code != q.base &&
         (!q.symbols || std::find(q.symbols->begin(), q.symbols->end(), code) != q.symbols->end());
}

// Whether a day quotes the base and at least one of the symbols.
bool answers(const RateTable& day, const Query& q) {
  if (!day.quote(q.base)) return false;
  return std::any_of(day.quotes.begin(), day.quotes.end(),
                     [&](const auto& quote) { return wanted(q, quote.first); });
}

// One day's {"CODE":number,...}; answers(day, q) must hold.
void write_rates(util::JsonFields& out, std::string_view key, const RateTable& day,
                 const Query& q) {
  out.object(key, [&](util::JsonFields& rates) {
    for (const auto& [code, quote] : day.quotes) {
      if (!wanted(q, code)) continue;
      const auto f = day.factor(q.base, code);
      rates.raw(code, frankfurter_number(f.multiplier, q.amount, f.divisor));
    }
  });
}

http::Response day_answer(const RatesView& view, std::optional<Date> date, const Query& q) {
  auto served = serve_day(view, date);
  if (auto* e = std::get_if<ApiError>(&served)) {
    return compat_error(e->status, e->code, e->status == 404 ? "not found" : e->message);
  }
  const RateTable* day = std::get<DayServed>(served).day;
  if (!answers(*day, q)) return compat_error(404, "no_rates", "not found");
  http::Response r;
  std::get<DayServed>(served).set_cache_control(r);
  util::JsonFields body(r.body);
  body.raw("amount", float_text(q.amount.to_string()))
      .string("base", q.base)
      .string("date", day->as_of);
  write_rates(body, "rates", *day, q);
  body.close();
  r.body += '\n';
  return r;
}

http::Response interval_answer(const RatesView& view, Date first, std::optional<Date> last,
                               const Query& q) {
  const RatesCatalog& catalog = view.catalog;
  const Date end = last.value_or(RatesCatalog::date_of(catalog.latest()));
  const std::size_t width = q.symbols ? q.symbols->size() : catalog.latest().quotes.size();
  auto days = days_between(catalog, first, end, width);
  if (auto* e = std::get_if<ApiError>(&days)) {
    return compat_error(e->status == 404 ? 404 : 422, e->code,
                        e->status == 404 ? "not found" : e->message);
  }
  const auto span = std::get<std::span<const RateTable>>(days);
  std::string rates;
  util::JsonFields out(rates);
  std::string_view start_date, end_date;
  for (const RateTable& day : span) {
    if (!answers(day, q)) continue;  // as Frankfurter leaves out a day it cannot rebase
    write_rates(out, day.as_of, day, q);
    if (start_date.empty()) start_date = day.as_of;
    end_date = day.as_of;
  }
  out.close();
  if (start_date.empty()) return compat_error(404, "no_rates", "not found");
  http::Response r;
  if (const auto cache = cache_control_until(view, span.back(), last); !cache.empty()) {
    r.headers.emplace_back("Cache-Control", cache);
  }
  util::JsonFields body(r.body);
  body.raw("amount", float_text(q.amount.to_string()))
      .string("base", q.base)
      .string("start_date", start_date)
      .string("end_date", end_date)
      .raw("rates", rates)
      .close();
  r.body += '\n';
  return r;
}

http::Response currencies_answer(const RateTable& rates) {
  http::Response r;
  util::JsonFields body(r.body);
  for (const auto& [code, q] : rates.quotes) {
    const auto c = find_currency(code);
    body.string(code, c ? c->name : std::string_view{});
  }
  body.close();
  r.body += '\n';
  return r;
}

// A JavaScript name or member path ("cb", "jQuery3_1.done", "cbs[0]"), as Rack::JSONP allows.
bool valid_callback(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool first = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    const bool rest = (c >= '0' && c <= '9') || c == '.' || c == '[' || c == ']';
    if (!first && !(i > 0 && rest)) return false;
  }
  return true;
}

// callback=NAME: the answer as a script that calls NAME, for pages that load it with a script
// tag. "/**/" comes first, as Rack::JSONP writes it, so that the body never starts with
// bytes the caller chose (the Rosetta Flash attack on JSONP).
http::Response with_callback(http::Response r, const QueryParams& query, bool allowed) {
  const std::string* callback = param(query, "callback");
  if (!callback) return r;
  if (!allowed || !valid_callback(*callback)) {
    r = allowed ? compat_error(400, "invalid_callback", "invalid callback")
                : compat_error(400, "jsonp_disabled",
                               "callback= is off: cross-origin reads are limited to some origins");
    r.content_type = kJsonType;
    return r;
  }
  if (r.body.ends_with('\n')) r.body.pop_back();
  r.body = "/**/" + *callback + "(" + r.body + ")\n";
  r.content_type = "application/javascript; charset=utf-8";
  return r;
}

http::Response answer(const FrankfurterTarget& target, const QueryParams& query,
                      const RatesView& view) {
  using Kind = FrankfurterTarget::Kind;
  if (target.kind == Kind::bad_date) return compat_error(422, "invalid_date", "invalid date");
  const RateTable& latest = view.catalog.latest();
  if (target.kind == Kind::currencies) return currencies_answer(latest);
  auto q = read_query(query, latest);
  if (auto* r = std::get_if<http::Response>(&q)) return std::move(*r);
  const Query& parsed = std::get<Query>(q);
  if (target.kind == Kind::interval)
    return interval_answer(view, *target.first, target.last, parsed);
  return day_answer(view, target.first, parsed);
}

}  // namespace

std::string frankfurter_number(const Decimal& multiplier, const Decimal& amount,
                               const Decimal& divisor) {
  // The size decides the places; it is judged on the exact value to 10 places.
  const Decimal probe =
      multiply_divide_rounded(amount, multiplier, divisor, 10, Rounding::half_away_from_zero);
  static const Decimal k5000(5000, 0), k80(80, 0), k20(20, 0), k1(1, 0), k00001(1, 4);
  unsigned places = 6;
  if (probe > k5000)
    places = 0;
  else if (probe > k80)
    places = 2;
  else if (probe > k20)
    places = 3;
  else if (probe > k1)
    places = 4;
  else if (probe > k00001)
    places = 5;
  const Decimal value =
      multiply_divide_rounded(amount, multiplier, divisor, places, Rounding::half_away_from_zero);
  return places == 0 ? value.to_string() : float_text(value.to_string());
}

std::optional<FrankfurterTarget> frankfurter_target(std::string_view path) {
  using Kind = FrankfurterTarget::Kind;
  if (path == "currencies") return FrankfurterTarget{Kind::currencies, {}, {}};
  if (path == "latest" || path == "current") return FrankfurterTarget{Kind::day, {}, {}};
  const auto dots = path.find("..");
  const auto head = path.substr(0, dots);
  const auto tail = dots == std::string_view::npos ? std::string_view{} : path.substr(dots + 2);
  // NNNN-NN-NN is what Frankfurter's router takes for a date, before it reads one (422 if it
  // is none, such as 2010-31-01).
  if (!Date::shaped(head) || (!tail.empty() && !Date::shaped(tail))) return std::nullopt;
  const auto first = Date::parse(head);
  const auto last = tail.empty() ? std::nullopt : Date::parse(tail);
  if (!first || (!tail.empty() && !last)) return FrankfurterTarget{Kind::bad_date, {}, {}};
  if (dots == std::string_view::npos) return FrankfurterTarget{Kind::day, first, {}};
  return FrankfurterTarget{Kind::interval, first, last};
}

http::Response frankfurter_route(const FrankfurterTarget& target, const QueryParams& query,
                                 const RatesView& view, bool jsonp) {
  http::Response r = answer(target, query, view);
  r.content_type = kJsonType;
  return with_callback(std::move(r), query, jsonp);
}

}  // namespace conv::converter
