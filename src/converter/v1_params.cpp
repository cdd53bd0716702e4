#include "conv/converter/v1_params.hpp"

#include <algorithm>

#include "conv/converter/currency.hpp"
#include "conv/http/error_response.hpp"
#include "conv/util/split_list.hpp"

namespace conv::converter {

namespace {

// Whether the answer for `date` (none: the latest) is the latest day's, which the next
// publication changes; else it is history: a past day's, or the latest settled on `date`.
bool follows_latest(const RatesView& view, const RateTable& day, std::optional<Date> date) {
  if (&day != &view.catalog.latest()) return false;
  return !date || !settled_on(day, *date);
}

}  // namespace

http::Response ApiError::response() const {
  return http::error_response(status, code, message);
}

std::optional<ApiError> check_params(const QueryParams& query,
                                     std::initializer_list<std::string_view> allowed, bool strict) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    const std::string& key = query[i].first;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      if (!strict || key == "_") continue;
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return ApiError{400, "unknown_parameter",
                      "unknown parameter '" + key + "'" +
                          (list.empty() ? " (this route takes none)" : " (expected " + list + ")")};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (query[j].first == key) {
        return ApiError{400, "duplicate_parameter", "parameter '" + key + "' given twice"};
      }
    }
  }
  return std::nullopt;
}

const std::string* param(const QueryParams& query, std::string_view key) {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Param<std::string> currency_param(std::string_view raw, std::string_view name,
                                  const RateTable& rates) {
  const std::string code = upper(raw);
  if (code.empty())
    return ApiError{400, "invalid_currency", "parameter '" + std::string(name) + "' is empty"};
  if (!rates.quote(code)) {
    return ApiError{400, "unknown_currency",
                    "unknown currency '" + std::string(raw) + "' in '" + std::string(name) +
                        "' (see /v1/currencies)"};
  }
  return code;
}

Param<std::vector<std::string>> currency_list(std::string_view list, std::string_view name,
                                              const RateTable& rates, std::string_view except) {
  std::vector<std::string> codes;
  for (const std::string_view item : util::split_list(list)) {
    auto c = currency_param(item, name, rates);
    if (auto* e = std::get_if<ApiError>(&c)) return *e;
    std::string code = std::get<std::string>(std::move(c));
    if (code == except) {
      return ApiError{
          400, "same_currency",
          "cannot convert " + code + " to itself; choose another '" + std::string(name) + "'"};
    }
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) {
      return ApiError{400, "duplicate_currency",
                      code + " is listed twice in '" + std::string(name) + "'"};
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

Param<Decimal> amount_param(const QueryParams& query) {
  const std::string* raw = param(query, "amount");
  if (!raw || raw->empty()) {
    return ApiError{400, "missing_parameter", "parameter 'amount' is required, e.g. amount=15.00"};
  }
  auto amount = Decimal::parse(*raw);
  if (!amount) {
    return ApiError{400, "invalid_amount",
                    "amount must be a plain decimal number such as 15.00 (no exponent, no sign, "
                    "no thousands separators)"};
  }
  if (amount->sign() <= 0) {
    return ApiError{400, "invalid_amount", "amount must be greater than zero"};
  }
  if (amount->scale() > kMaxAmountScale) {
    return ApiError{400, "invalid_amount",
                    "amount has more than " + std::to_string(kMaxAmountScale) + " decimal places"};
  }
  static const Decimal max = *Decimal::parse(kMaxAmount);
  if (*amount > max) {
    return ApiError{400, "amount_out_of_range",
                    "amount must not exceed " + std::string(kMaxAmount)};
  }
  return *std::move(amount);
}

Param<Rounding> rounding_param(const QueryParams& query) {
  const std::string* raw = param(query, "rounding");
  if (!raw) return Rounding::half_away_from_zero;
  if (auto r = parse_rounding(*raw)) return *r;
  return ApiError{400, "invalid_rounding",
                  "rounding must be half_away_from_zero (default) or half_even"};
}

Param<std::optional<Date>> date_param(const QueryParams& query, std::string_view key) {
  const std::string* raw = param(query, key);
  if (!raw) return std::optional<Date>{};
  if (auto d = Date::parse(*raw)) return std::optional<Date>{*d};
  return ApiError{400, "invalid_date",
                  "parameter '" + std::string(key) + "' must be a date such as 2024-10-03"};
}

Param<DayServed> serve_day(const RatesView& view, std::optional<Date> date) {
  const RatesCatalog& catalog = view.catalog;
  const RateTable* day = date ? catalog.on(*date) : &catalog.latest();
  if (!day) {
    return ApiError{404, "no_rates",
                    "no rates on or before " + date->text() + " (the first day is " +
                        catalog.first_date().text() + ")"};
  }
  DayServed served{day, date, false, cache_control_until(view, *day, date)};
  if (!follows_latest(view, *day, date)) return served;
  if (view.fresh && view.fresh->stale) {
    if (view.refuse_stale) {
      return ApiError{503, "rates_stale",
                      "the latest rates, of " + day->as_of + ", are stale: newer ones are overdue"};
    }
    served.stale = true;
  }
  return served;
}

std::string_view cache_control_until(const RatesView& view, const RateTable& last,
                                     std::optional<Date> end) {
  if (!follows_latest(view, last, end)) return kPastDayCacheControl;
  return view.fresh ? std::string_view(view.fresh->cache_control) : std::string_view{};
}

void DayServed::set_cache_control(http::Response& r) const {
  if (!cache_control.empty()) r.headers.emplace_back("Cache-Control", cache_control);
}

unsigned minor_units(std::string_view code) {
  const auto c = find_currency(code);
  return c ? c->minor_units : 2;
}

}  // namespace conv::converter
