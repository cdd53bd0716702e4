#include "conv/converter/v1_routes.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <variant>

#include "conv/converter/currency.hpp"
#include "conv/http/error_response.hpp"
#include "conv/util/json_fields.hpp"

namespace conv::converter {

namespace {

// A parameter error, turned into the API's one error shape.
struct ApiError {
  unsigned status;
  std::string code;
  std::string message;
};

http::Response to_response(const ApiError& e) {
  return http::error_response(e.status, e.code, e.message);
}

// Checks that each `allowed` parameter appears at most once; with `strict`, that no other
// does but the cache-buster `_` (others are ignored, as public read APIs do).
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

// A currency the rates cover, or an error naming it.
std::variant<std::string, ApiError> currency_param(std::string_view raw, std::string_view name,
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

std::variant<Decimal, ApiError> amount_param(const QueryParams& query) {
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

std::variant<Rounding, ApiError> rounding_param(const QueryParams& query) {
  const std::string* raw = param(query, "rounding");
  if (!raw) return Rounding::half_away_from_zero;
  if (auto r = parse_rounding(*raw)) return *r;
  return ApiError{400, "invalid_rounding",
                  "rounding must be half_away_from_zero (default) or half_even"};
}

unsigned minor_units(std::string_view code) {
  const auto c = find_currency(code);
  return c ? c->minor_units : 2;
}

}  // namespace

http::Response v1_convert(const QueryParams& query, const RateTable& rates, bool strict) {
  if (auto e = check_params(query, {"amount", "from", "to", "rounding"}, strict)) {
    return to_response(*e);
  }

  auto amount = amount_param(query);
  if (auto* e = std::get_if<ApiError>(&amount)) return to_response(*e);
  auto rounding = rounding_param(query);
  if (auto* e = std::get_if<ApiError>(&rounding)) return to_response(*e);

  std::string from = rates.base;
  if (const std::string* raw = param(query, "from")) {
    auto c = currency_param(*raw, "from", rates);
    if (auto* e = std::get_if<ApiError>(&c)) return to_response(*e);
    from = std::get<std::string>(c);
  }

  std::vector<std::string> targets;
  if (const std::string* raw = param(query, "to")) {
    std::string_view list = *raw;
    while (true) {
      const auto comma = list.find(',');
      auto c = currency_param(list.substr(0, comma), "to", rates);
      if (auto* e = std::get_if<ApiError>(&c)) return to_response(*e);
      std::string code = std::get<std::string>(c);
      if (code == from) {
        return to_response(
            {400, "same_currency", "cannot convert " + from + " to itself; choose another 'to'"});
      }
      if (std::find(targets.begin(), targets.end(), code) != targets.end()) {
        return to_response({400, "duplicate_currency", code + " is listed twice in 'to'"});
      }
      targets.push_back(std::move(code));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  } else {
    for (const auto& [code, q] : rates.quotes) {
      if (code != from) targets.push_back(code);
    }
  }

  const Decimal& a = std::get<Decimal>(amount);
  const Rounding r = std::get<Rounding>(rounding);
  const Decimal& from_quote = *rates.quote(from);
  http::Response response;
  util::JsonFields body(response.body);
  body.string("amount", a.to_string())
      .string("from", from)
      .string("as_of", rates.as_of)
      .string("rounding", to_string(r))
      .object("results",
              [&](util::JsonFields& results) {
                // Straight through the base, without inverting anything: a * q(from) / q(to),
                // rounded once.
                for (const auto& to : targets) {
                  results.string(to, multiply_divide_rounded(a, from_quote, *rates.quote(to),
                                                             minor_units(to), r)
                                         .to_string());
                }
              })
      .object("rates",
              [&](util::JsonFields& applied) {
                // The rate each applied, q(from) / q(to), for display (as /v1/rates shows it).
                for (const auto& to : targets) applied.string(to, rates.cross_rate(from, to));
              })
      .integer("rate_decimals", kRateDecimals)
      .close();
  response.body += '\n';
  return response;
}

http::Response v1_rates(const QueryParams& query, const RateTable& rates, bool strict) {
  if (auto e = check_params(query, {"base"}, strict)) return to_response(*e);
  std::string base = rates.base;
  if (const std::string* raw = param(query, "base")) {
    auto c = currency_param(*raw, "base", rates);
    if (auto* e = std::get_if<ApiError>(&c)) return to_response(*e);
    base = std::get<std::string>(c);
  }
  http::Response response;
  util::JsonFields body(response.body);
  body.string("base", base)
      .string("as_of", rates.as_of)
      .string("source", rates.source)
      .object("rates",
              [&](util::JsonFields& shown) {
                for (const auto& [code, q] : rates.quotes) {
                  if (code != base) shown.string(code, rates.cross_rate(base, code));
                }
              })
      .integer("rate_decimals", kRateDecimals)
      .string("quotes_base", rates.base)
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
  if (auto e = check_params(query, {}, strict)) return to_response(*e);
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
