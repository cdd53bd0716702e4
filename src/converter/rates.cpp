#include "conv/converter/rates.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "conv/converter/currency.hpp"
#include "conv/converter/date.hpp"
#include "conv/util/json_text.hpp"

namespace conv::converter {

namespace {

namespace json = boost::json;

constexpr std::string_view kOriginalRates = R"json({
  "base": "BRL",
  "as_of": "2024-10-03",
  "source": "fixed rates of the original Flask API (TAXA_DOLAR, TAXA_EURO)",
  "quotes": {"USD": "5.10", "EUR": "5.60"}
})json";

[[noreturn]] void fail(std::string_view field, std::string_view what) {
  throw RatesError(std::string(field) + ": " + std::string(what));
}

std::string_view require_string(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (!v) fail(key, "required");
  if (!v->is_string()) fail(key, "expected a string");
  return v->get_string();
}

RateTable apply_rates(const json::value& root);

}  // namespace

const Decimal* RateTable::quote(std::string_view code) const {
  auto it = quotes.find(code);
  return it == quotes.end() ? nullptr : &it->second;
}

RateTable::Factor RateTable::factor(std::string_view from, std::string_view to) const {
  const Decimal& f = *quote(from);
  const Decimal& t = *quote(to);
  return per_base ? Factor{t, f} : Factor{f, t};
}

std::string RateTable::cross_rate(std::string_view from, std::string_view to) const {
  if (const auto row = cross.find(from); row != cross.end()) {
    if (const auto cell = row->second.find(to); cell != row->second.end()) return cell->second;
  }
  const Factor f = factor(from, to);
  return divide_rounded(f.multiplier, f.divisor, kRateDecimals, Rounding::half_away_from_zero)
      .to_string();
}

void RateTable::prepare_cross_rates() {
  cross.clear();
  for (const auto& [from, f] : quotes) {
    auto& row = cross[from];
    for (const auto& [to, t] : quotes) {
      if (to != from) row.emplace(to, cross_rate(from, to));
    }
  }
}

std::optional<RateTable::Legacy> followed_legacy(const RateTable& day) {
  if (day.legacy) return day.legacy;
  if (!day.quote("BRL") || !day.quote("USD") || !day.quote("EUR")) return std::nullopt;
  // strtod rounds correctly: the double nearest the decimal /v1/rates shows, as Python's
  // float() of that text would be.
  const auto brl_per = [&](std::string_view code) {
    return std::strtod(day.cross_rate(code, "BRL").c_str(), nullptr);
  };
  return RateTable::Legacy{brl_per("USD"), brl_per("EUR")};
}

RateTable parse_rates(std::string_view text) {
  return apply_rates(util::parse_json_text_as<RatesError>(text, ""));
}

namespace {

RateTable apply_rates(const json::value& root) {
  if (!root.is_object()) throw RatesError("expected a JSON object at the top level");
  const json::object& obj = root.get_object();

  for (const auto& kv : obj) {
    const std::string_view key = kv.key();
    if (key != "base" && key != "as_of" && key != "source" && key != "quotes") {
      fail(key, "unknown key (expected base, as_of, source, quotes)");
    }
  }

  RateTable t;
  t.base = require_string(obj, "base");
  if (!is_currency_code(t.base)) fail("base", "expected an ISO 4217 code such as \"BRL\"");
  if (!find_currency(t.base)) fail("base", "unknown ISO 4217 currency \"" + t.base + "\"");

  t.as_of = require_string(obj, "as_of");
  const auto as_of = Date::parse(t.as_of);
  if (!as_of) fail("as_of", "expected a date such as \"2024-10-03\"");
  t.as_of_epoch = as_of->epoch_seconds();

  t.source = require_string(obj, "source");

  const json::value* quotes = obj.if_contains("quotes");
  if (!quotes) fail("quotes", "required");
  if (!quotes->is_object() || quotes->get_object().empty()) {
    fail("quotes", "expected a non-empty object such as {\"USD\": \"5.10\"}");
  }
  for (const auto& kv : quotes->get_object()) {
    const std::string code(kv.key());
    const std::string field = "quotes." + code;
    if (!is_currency_code(code)) fail(field, "expected an ISO 4217 code such as \"USD\"");
    if (!find_currency(code)) fail(field, "unknown ISO 4217 currency");
    if (code == t.base) fail(field, "the base currency is not quoted against itself");
    if (!kv.value().is_string()) {
      fail(field, "expected a decimal string such as \"5.10\" (numbers would lose precision)");
    }
    auto d = Decimal::parse(kv.value().get_string(), 40);
    if (!d || d->sign() <= 0) fail(field, "expected a positive decimal string such as \"5.10\"");
    t.quotes.emplace(code, std::move(*d));
  }
  t.quotes.emplace(t.base, Decimal(1, 0));
  const Decimal* usd = t.quote("USD");
  const Decimal* eur = t.quote("EUR");
  if (t.base == "BRL" && usd && eur) {
    // strtod rounds correctly, so "5.10" becomes the same double as Python's literal 5.10.
    t.legacy = RateTable::Legacy{std::strtod(usd->to_string().c_str(), nullptr),
                                 std::strtod(eur->to_string().c_str(), nullptr)};
  }
  t.prepare_cross_rates();
  return t;
}

}  // namespace

RateTable load_rates_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RatesError(path + ": cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const auto root = util::parse_json_text_as<RatesError>(ss.str(), path + ":");  // "f:3:14: .."
  try {
    return apply_rates(root);
  } catch (const RatesError& e) {
    throw RatesError(path + ": " + e.what());
  }
}

RateTable original_rates() {
  return parse_rates(kOriginalRates);
}

}  // namespace conv::converter
