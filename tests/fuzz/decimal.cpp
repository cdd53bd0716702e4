// Decimal::parse on arbitrary text. Properties: what parses prints back as itself (the
// canonical form keeps the scale), reparses to an equal value, and divides and rounds without
// trapping; what does not parse is refused without throwing.
#include "conv/converter/decimal.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using conv::converter::Decimal;
using conv::converter::Rounding;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto d = Decimal::parse(text);
  if (!d) return 0;
  const std::string printed = d->to_string();
  const auto again = Decimal::parse(printed);
  if (!again || !(*again == *d) || again->scale() != d->scale()) std::abort();
  // The parser accepts exactly the grammar: optional '-', digits, optional '.' digits.
  const std::string_view body = text.starts_with('-') ? text.substr(1) : text;
  if (body.empty() || body.front() == '.' || body.back() == '.') std::abort();
  for (char c : body) {
    if ((c < '0' || c > '9') && c != '.') std::abort();
  }
  // Conversion arithmetic: x * 5.10 / 5.60 to 2 places, both roundings, and x / x.
  static const Decimal usd = *Decimal::parse("5.10");
  static const Decimal eur = *Decimal::parse("5.60");
  for (auto r : {Rounding::half_away_from_zero, Rounding::half_even}) {
    const Decimal q = conv::converter::multiply_divide_rounded(*d, usd, eur, 2, r);
    if (q.scale() != 2) std::abort();
    if (d->sign() != 0) {
      const Decimal one = conv::converter::divide_rounded(*d, *d, 3, r);
      if (one.to_string() != "1.000") std::abort();
    }
  }
  return 0;
}
