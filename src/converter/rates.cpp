#include "conv/converter/rates.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
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

// The quotes of a rates file: known ISO 4217 codes, other than the base, at positive decimals.
std::map<std::string, Decimal, std::less<>> read_quotes(const json::object& obj,
                                                        std::string_view base) {
  const json::value* quotes = obj.if_contains("quotes");
  if (!quotes) fail("quotes", "required");
  if (!quotes->is_object() || quotes->get_object().empty()) {
    fail("quotes", "expected a non-empty object such as {\"USD\": \"5.10\"}");
  }
  std::map<std::string, Decimal, std::less<>> out;
  for (const auto& kv : quotes->get_object()) {
    const std::string code(kv.key());
    const std::string field = "quotes." + code;
    if (!is_currency_code(code)) fail(field, "expected an ISO 4217 code such as \"USD\"");
    if (!find_currency(code)) fail(field, "unknown ISO 4217 currency");
    if (code == base) fail(field, "the base currency is not quoted against itself");
    if (!kv.value().is_string()) {
      fail(field, "expected a decimal string such as \"5.10\" (numbers would lose precision)");
    }
    auto d = Decimal::parse(kv.value().get_string(), 40);
    if (!d || d->sign() <= 0) fail(field, "expected a positive decimal string such as \"5.10\"");
    out.emplace(code, std::move(*d));
  }
  return out;
}

// A rates file's fields, validated: its day as a provider's published day (the quotes are
// units of the base one unit of each costs: in_base), and the source it names. Both a
// RateTable (--rates) and the `file` provider's day (--refresh ...,file) are made from this.
struct RatesFile {
  PublishedDay day;
  std::string source;
};

RatesFile read_rates(const json::value& root) {
  if (!root.is_object()) throw RatesError("expected a JSON object at the top level");
  const json::object& obj = root.get_object();

  for (const auto& kv : obj) {
    const std::string_view key = kv.key();
    if (key != "base" && key != "as_of" && key != "source" && key != "quotes") {
      fail(key, "unknown key (expected base, as_of, source, quotes)");
    }
  }

  RatesFile f;
  f.day.provider = "file";
  f.day.direction = PublishedDay::Direction::in_base;
  f.day.base = require_string(obj, "base");
  if (!is_currency_code(f.day.base)) fail("base", "expected an ISO 4217 code such as \"BRL\"");
  if (!find_currency(f.day.base)) fail("base", "unknown ISO 4217 currency \"" + f.day.base + "\"");

  const auto as_of = Date::parse(require_string(obj, "as_of"));
  if (!as_of) fail("as_of", "expected a date such as \"2024-10-03\"");
  f.day.date = *as_of;
  f.source = require_string(obj, "source");
  f.day.rates = read_quotes(obj, f.day.base);
  return f;
}

RateTable apply_rates(const json::value& root) {
  RatesFile f = read_rates(root);
  RateTable t;
  t.base = std::move(f.day.base);
  t.as_of = f.day.date.text();
  t.as_of_epoch = f.day.date.epoch_seconds();
  t.source = std::move(f.source);
  t.quotes = std::move(f.day.rates);
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

PublishedDay parse_rates_day(std::string_view text) {
  return read_rates(util::parse_json_text_as<RatesError>(text, "")).day;
}

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
