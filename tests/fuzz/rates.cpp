// The rates file parser (src/converter/rates.cpp) on arbitrary bytes: it either throws
// RatesError or returns a table that
//  - keeps what docs/api.md ("Rates file") documents: a known ISO 4217 base quoted at exactly
//    1; every quote a known code other than the base, as a positive decimal of at most 40
//    characters; `as_of` a real YYYY-MM-DD date (from 1970) whose epoch is that day's 00:00
//    UTC; the legacy doubles set exactly when the base is BRL and USD and EUR are quoted, and
//    then the correctly rounded doubles of those quotes;
//  - reads back the same from itself written as a rates file.
// The 44 currencies docs/api.md counts are checked once, before the first input.
#include "conv/converter/rates.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "conv/converter/currency.hpp"

using namespace conv::converter;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what.c_str());
  std::abort();
}

bool known_code(std::string_view code) {
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return code.size() == 3 && find_currency(code).has_value();
}

// Seconds since the epoch of a YYYY-MM-DD date from 1970, by std::chrono's calendar.
std::optional<std::int64_t> date_epoch(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return std::nullopt;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(std::string(s).c_str(), "%4d-%2u-%2u", &y, &m, &d);
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok() || y < 1970) return std::nullopt;
  return std::chrono::sys_seconds{std::chrono::sys_days{ymd}}.time_since_epoch().count();
}

void check_legacy(const RateTable& t) {
  const Decimal* usd = t.quote("USD");
  const Decimal* eur = t.quote("EUR");
  const bool want = t.base == "BRL" && usd && eur;
  if (want != t.legacy.has_value()) finding("legacy rates set for the wrong table");
  if (!want) return;
  if (t.legacy->dolar != std::strtod(usd->to_string().c_str(), nullptr) ||
      t.legacy->euro != std::strtod(eur->to_string().c_str(), nullptr)) {
    finding("legacy rates are not the quotes' doubles");
  }
}

void check_ranges(const RateTable& t) {
  if (!known_code(t.base)) finding("base is not a known ISO 4217 code: " + t.base);
  const Decimal* base = t.quote(t.base);
  if (!base || base->to_string() != "1") finding("the base is not quoted at exactly 1");
  if (t.quotes.size() < 2) finding("no quote but the base's");
  for (const auto& [code, q] : t.quotes) {
    if (!known_code(code)) finding("quote of an unknown code: " + code);
    if (q.sign() <= 0) finding("quotes." + code + " is not positive");
    if (code != t.base && q.to_string().size() > 40) finding("quotes." + code + " too long");
  }
  const auto epoch = date_epoch(t.as_of);
  if (!epoch || *epoch != t.as_of_epoch)
    finding("as_of is not a real date, or its epoch: " + t.as_of);
  check_legacy(t);
}

std::string to_json(const RateTable& t) {
  boost::json::object quotes;
  for (const auto& [code, q] : t.quotes) {
    if (code != t.base) quotes[code] = q.to_string();
  }
  return boost::json::serialize(boost::json::object{
      {"base", t.base}, {"as_of", t.as_of}, {"source", t.source}, {"quotes", quotes}});
}

void check_round_trip(const RateTable& t) {
  const std::string file = to_json(t);
  RateTable again;
  try {
    again = parse_rates(file);
  } catch (const RatesError& e) {
    finding(std::string("the table written back is refused: ") + e.what() + "\n" + file);
  }
  bool same = again.base == t.base && again.as_of == t.as_of &&
              again.as_of_epoch == t.as_of_epoch && again.source == t.source &&
              again.quotes.size() == t.quotes.size() &&
              again.legacy.has_value() == t.legacy.has_value();
  for (const auto& [code, q] : t.quotes) {
    const Decimal* other = again.quote(code);
    same = same && other && other->to_string() == q.to_string();
  }
  if (!same) finding("written back and read again, the table differs:\n" + file);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (known_currencies().size() != 44) finding("docs/api.md says conv ships 44 currencies");
  const RateTable shipped = original_rates();
  check_ranges(shipped);
  check_round_trip(shipped);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const RateTable t = parse_rates(text);
    check_ranges(t);
    check_round_trip(t);
  } catch (const RatesError&) {
  }
  return 0;
}
