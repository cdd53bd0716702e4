#include "conv/converter/decimal.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <limits>

namespace conv::converter {

namespace {

using Integer = Decimal::Integer;

// 10^n, from a table made once for the exponents conversions use (scales of amounts, rates
// and results add up to well under 80): a loop of big-integer products per call was most of
// the cost of a rate computed on demand.
Integer pow10(unsigned n) {
  static const auto table = [] {
    std::array<Integer, 80> t;
    t[0] = 1;
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  if (n < table.size()) return table[n];
  Integer r = table.back();
  for (unsigned i = table.size() - 1; i < n; ++i) r *= 10;
  return r;
}

// Rounds n / d (d > 0) to an integer.
Integer round_quotient(const Integer& n, const Integer& d, Rounding rounding) {
  Integer q;
  Integer r;
  boost::multiprecision::divide_qr(n, d, q, r);  // truncates toward zero; r has n's sign
  if (r == 0) return q;
  const Integer twice = Integer(abs(r)) * 2;
  const int away = n.sign() < 0 ? -1 : 1;
  if (twice > d) return q + away;
  if (twice < d) return q;
  // Exactly half.
  switch (rounding) {
    case Rounding::half_away_from_zero:
      return q + away;
    case Rounding::half_even:
      return (q % 2 == 0) ? q : q + away;
  }
  return q;
}

}  // namespace

Decimal::Decimal(Integer coefficient, unsigned scale)
    : coefficient_(std::move(coefficient)), scale_(scale) {}

std::optional<Decimal> Decimal::parse(std::string_view text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) return std::nullopt;
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty()) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  Integer c = 0;
  for (const std::string_view part : {whole, frac}) {
    for (const char ch : part) {
      if (ch < '0' || ch > '9') return std::nullopt;
      c = c * 10 + (ch - '0');
    }
  }
  if (negative) c = -c;
  return Decimal(std::move(c), static_cast<unsigned>(frac.size()));
}

std::string Decimal::to_string() const {
  // Most coefficients fit 64 bits: written by to_chars rather than cpp_int's str().
  static const Integer max64 = std::numeric_limits<std::int64_t>::max();
  std::string digits;
  if (abs(coefficient_) <= max64) {
    char buf[24];
    const auto v = static_cast<std::uint64_t>(abs(coefficient_).convert_to<std::int64_t>());
    digits.assign(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  } else {
    digits = Integer(abs(coefficient_)).str();
  }
  if (digits.size() <= scale_) digits.insert(0, scale_ - digits.size() + 1, '0');
  if (scale_ > 0) digits.insert(digits.size() - scale_, 1, '.');
  if (coefficient_.sign() < 0) digits.insert(0, 1, '-');
  return digits;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  const unsigned scale = std::max(a.scale_, b.scale_);
  const Integer x = a.coefficient_ * pow10(scale - a.scale_);
  const Integer y = b.coefficient_ * pow10(scale - b.scale_);
  if (x < y) return std::strong_ordering::less;
  if (x > y) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

std::optional<Rounding> parse_rounding(std::string_view name) {
  if (name == "half_away_from_zero") return Rounding::half_away_from_zero;
  if (name == "half_even") return Rounding::half_even;
  return std::nullopt;
}

std::string_view to_string(Rounding r) {
  return r == Rounding::half_even ? "half_even" : "half_away_from_zero";
}

Decimal divide_rounded(const Decimal& numerator, const Decimal& denominator, unsigned scale,
                       Rounding rounding) {
  return multiply_divide_rounded(numerator, Decimal(1, 0), denominator, scale, rounding);
}

Decimal multiply_divide_rounded(const Decimal& amount, const Decimal& multiplier,
                                const Decimal& divisor, unsigned scale, Rounding rounding) {
  assert(divisor.sign() != 0);
  // value = (a / 10^sa) * (m / 10^sm) / (d / 10^sd); we want round(value * 10^scale).
  //       = a * m * 10^(sd + scale) / (d * 10^(sa + sm))
  Integer n = amount.coefficient() * multiplier.coefficient() * pow10(divisor.scale() + scale);
  Integer d = divisor.coefficient() * pow10(amount.scale() + multiplier.scale());
  if (d.sign() < 0) {
    n = -n;
    d = -d;
  }
  return Decimal(round_quotient(n, d, rounding), scale);
}

}  // namespace conv::converter
