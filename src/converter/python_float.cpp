#include "conv/converter/python_float.hpp"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace conv::converter {

void append_python_float(std::string& out, double x) {
  assert(std::isfinite(x));
  // Shortest round-trip digits in scientific form, e.g. "2.9411764705882355e+00": the same
  // digits Python's repr() picks (both produce the shortest string that reads back as x).
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));

  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const auto e_pos = sci.find('e');
  const std::string_view mantissa = sci.substr(0, e_pos);
  const int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  std::string digits;
  digits.reserve(mantissa.size());
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  const int ndigits = static_cast<int>(digits.size());
  // x = 0.DIGITS * 10^decpt
  const int decpt = exponent + 1;

  if (decpt <= -4 || decpt > 16) {
    // Exponent form: d[.ddd]e(+|-)XX, at least two exponent digits.
    out += digits[0];
    if (ndigits > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int mag = exponent < 0 ? -exponent : exponent;
    if (mag < 10) out += '0';
    out += std::to_string(mag);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-decpt), '0');
    out += digits;
  } else if (decpt < ndigits) {
    out.append(digits, 0, static_cast<std::size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<std::size_t>(decpt));
  } else {
    out += digits;
    out.append(static_cast<std::size_t>(decpt - ndigits), '0');
    out += ".0";
  }
}

std::string python_float(double x) {
  std::string s;
  append_python_float(s, x);
  return s;
}

}  // namespace conv::converter
