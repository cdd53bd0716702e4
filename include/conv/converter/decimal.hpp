#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace conv::converter {

// An exact decimal number: coefficient * 10^-scale. No binary floating point anywhere.
// The coefficient is an arbitrary-precision integer (Boost.Multiprecision's cpp_int), so
// products of amounts and rates never overflow or round.
class Decimal {
 public:
  using Integer = boost::multiprecision::cpp_int;

  Decimal() = default;
  Decimal(Integer coefficient, unsigned scale);

  // Parses a plain decimal: optional '-', digits, optional '.' and digits ("15", "15.00",
  // "-0.5"). No exponent, no '+', no leading or trailing '.', at most `max_length` characters.
  static std::optional<Decimal> parse(std::string_view text, std::size_t max_length = 64);

  // The shortest plain form that keeps the scale: "15.00" stays "15.00".
  std::string to_string() const;

  const Integer& coefficient() const { return coefficient_; }
  unsigned scale() const { return scale_; }
  int sign() const { return coefficient_.sign(); }

  // Numeric comparison, whatever the scales ("1.50" == "1.5").
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

 private:
  Integer coefficient_ = 0;
  unsigned scale_ = 0;
};

enum class Rounding {
  half_away_from_zero,  // the EU rule for currency conversion (Reg. 1103/97 art. 5); default
  half_even,            // banker's rounding
};

std::optional<Rounding> parse_rounding(std::string_view name);
std::string_view to_string(Rounding r);

// Rounds the exact quotient numerator / denominator to `scale` decimal places. The
// denominator must not be zero.
Decimal divide_rounded(const Decimal& numerator, const Decimal& denominator, unsigned scale,
                       Rounding rounding);

// amount * multiplier / divisor, rounded once, at the end, to `scale` places.
Decimal multiply_divide_rounded(const Decimal& amount, const Decimal& multiplier,
                                const Decimal& divisor, unsigned scale, Rounding rounding);

}  // namespace conv::converter
