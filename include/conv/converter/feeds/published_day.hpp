#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "conv/converter/date.hpp"
#include "conv/converter/decimal.hpp"

namespace conv::converter {

// A feed's answer that cannot be used (malformed, implausible): what and where. The rates in
// force are kept.
class FeedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One day of one provider's reference rates, exactly as published.
struct PublishedDay {
  // How the rates are quoted, which decides the exact conversion formula.
  enum class Direction {
    per_base,  // units of each currency one `base` buys: the ECB's 1 EUR = 1.0950 USD
    in_base,   // units of `base` one unit of each costs: PTAX's 1 USD = 5.0963 BRL
  };

  Date date = Date::from_days(0);
  std::string provider;  // "ecb", "bcb_ptax", "file"
  std::string base;      // "EUR", "BRL"
  Direction direction = Direction::per_base;
  std::map<std::string, Decimal, std::less<>> rates;  // positive, by ISO 4217 code
};

}  // namespace conv::converter
