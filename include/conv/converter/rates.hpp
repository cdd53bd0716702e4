#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "conv/converter/decimal.hpp"
#include "conv/converter/feeds/published_day.hpp"

namespace conv::converter {

// A configuration error; the message names the offending field ("quotes.USD: ...").
class RatesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One day's exchange rates as exact decimals, quoted against one base currency, in one of two
// directions: by default quotes["USD"] = 5.10 means one US dollar costs 5.10 units of the base
// (BRL, as the rates file and PTAX quote); with `per_base`, quotes["USD"] = 1.0950 means one
// unit of the base (EUR) buys 1.0950 US dollars (as the ECB quotes). Neither is ever inverted
// (that would round); factor() picks the exact formula. The base is quoted too, at exactly 1,
// so every known currency has a quote.
struct RateTable {
  std::string base;
  std::string as_of;             // "YYYY-MM-DD"
  std::int64_t as_of_epoch = 0;  // as_of at 00:00 UTC, in seconds since the epoch
  std::string source;
  std::string provider = "file";  // "file", "ecb", "bcb_ptax"
  bool per_base = false;
  std::map<std::string, Decimal, std::less<>> quotes;

  // What `amount` of `from` is multiplied and divided by to give `to`: q(from) / q(to), or
  // q(to) / q(from) with per_base. Both must be quoted.
  struct Factor {
    const Decimal& multiplier;
    const Decimal& divisor;
  };
  Factor factor(std::string_view from, std::string_view to) const;

  // The legacy route divides in binary floating point, as the original did: BRL per USD and
  // per EUR as doubles. Set when the base is BRL and both are quoted.
  struct Legacy {
    double dolar;
    double euro;
  };
  std::optional<Legacy> legacy;

  const Decimal* quote(std::string_view code) const;

  // The units of `to` one `from` buys, rounded to kRateDecimals places for display
  // (conversions use the exact quotes). Both must be quoted. Taken from
  // `cross` when prepare_cross_rates() made it, else computed (a division of big integers).
  std::string cross_rate(std::string_view from, std::string_view to) const;
  // Makes every cross rate once, when the table is loaded, not per request.
  void prepare_cross_rates();
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> cross;
};

// Display rates are rounded to this many decimal places.
inline constexpr unsigned kRateDecimals = 10;

// What the legacy route divides by when it follows a provider (--legacy-rates follow): BRL per
// USD and per EUR of `day`, whatever its base and direction, each the exact cross rate rounded
// as /v1/rates shows it, then read as a double. A table with legacy rates of its own (a
// BRL-based rates file) keeps them, so following a file is the same as fixed. None if BRL, USD
// or EUR is not quoted. Big-integer divisions: made once per catalog, never per request.
std::optional<RateTable::Legacy> followed_legacy(const RateTable& day);

// Parses and validates the rates file format (see docs/api.md, "Rates file"):
//   {"base":"BRL","as_of":"2024-10-03","source":"...","quotes":{"USD":"5.10","EUR":"5.60"}}
// Throws RatesError.
RateTable parse_rates(std::string_view json);

// The same format, checked the same way, as one published day of the provider "file" (the
// live feeds' `file` provider): the date is as_of, the quotes are in_base, without the base's
// own quote of 1. The `source` is checked but not kept (a store keeps no source). Throws
// RatesError.
PublishedDay parse_rates_day(std::string_view json);

// Reads and parses a file. Throws RatesError, naming the file.
RateTable load_rates_file(const std::string& path);

// The original system's fixed rates: 5.10 BRL per USD, 5.60 BRL per EUR.
RateTable original_rates();

}  // namespace conv::converter
