// The Python-repr number writer (src/converter/python_float.cpp) against a reference built
// apart from it: the digits of std::to_chars' shortest round-trip output in general form (not
// the scientific form the writer starts from; not the plain form either, which may print an
// integer's exact digits, 2^63 as 9223372036854775808), laid out by Python's rules for
// repr(float):
//  - repr is format code 'r': the shortest digits that read back as x (the same digits
//    to_chars picks: both choose the shortest, and the closest to x among those);
//  - with x = 0.DIGITS * 10^decpt, exponent form when decpt <= -4 or decpt > 16 (scientific
//    exponent < -4 or >= 16): d[.ddd]e(+|-)XX, at least two exponent digits;
//  - otherwise fixed form, with ".0" after an integral value; zero is "0.0" or "-0.0".
// The writer's output must equal the reference, and read back (strtod) as x bit for bit.
// A table of what Python 3 prints checks both before any input.
#include "conv/converter/python_float.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void finding(double x, const std::string& got, const std::string& want) {
  std::fprintf(stderr, "fuzz oracle: python_float(%.17g) wrote \"%s\", Python writes \"%s\"\n", x,
               got.c_str(), want.c_str());
  std::abort();
}

// The shortest round-trip digits of |x| (no leading or trailing zeros) and decpt, with
// |x| = 0.DIGITS * 10^decpt, from to_chars' shortest general output ("1e+16", "0.0001", "15").
void shortest_digits(double x, std::string& digits, int& decpt) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::general);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  int exp10 = 0;
  if (const auto e = s.find('e'); e != std::string_view::npos) {
    std::string_view ex = s.substr(e + 1);
    const bool negative = ex.front() == '-';
    if (ex.front() == '+' || ex.front() == '-') ex.remove_prefix(1);
    std::from_chars(ex.data(), ex.data() + ex.size(), exp10);
    if (negative) exp10 = -exp10;
    s = s.substr(0, e);
  }
  digits.clear();
  int point = -1;
  for (char c : s) {
    if (c == '.') {
      point = static_cast<int>(digits.size());
    } else {
      digits += c;
    }
  }
  decpt = (point < 0 ? static_cast<int>(digits.size()) : point) + exp10;
  while (digits.size() > 1 && digits.front() == '0') {
    digits.erase(0, 1);
    --decpt;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

std::string python_repr(double x) {
  std::string digits;
  int decpt = 0;
  shortest_digits(x, digits, decpt);
  std::string out = std::signbit(x) ? "-" : "";
  if (digits == "0") return out + "0.0";
  const int n = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    const int e = decpt - 1;
    const std::string mag = std::to_string(e < 0 ? -e : e);
    return out + (e < 0 ? "e-" : "e+") + (mag.size() < 2 ? "0" : "") + mag;
  }
  if (decpt <= 0) return out + "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
  if (decpt < n) return out + digits.substr(0, decpt) + "." + digits.substr(decpt);
  return out + digits + std::string(static_cast<std::size_t>(decpt - n), '0') + ".0";
}

void check(double x) {
  if (!std::isfinite(x)) return;
  const std::string s = conv::converter::python_float(x);
  const std::string want = python_repr(x);
  if (s != want) finding(x, s, want);
  char* end = nullptr;
  const double back = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::memcmp(&back, &x, sizeof x) != 0) {
    finding(x, s, want + " (and it must read back as the same double)");
  }
}

// What CPython 3 prints for repr() of these, the shape rules' edges among them.
void check_table() {
  static const struct {
    double x;
    const char* python;
  } kTable[] = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {15.0, "15.0"},
      {-15.5, "-15.5"},
      {100.0, "100.0"},
      {0.1, "0.1"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {2.9411764705882355, "2.9411764705882355"},
      {123.456, "123.456"},
      {0.0001, "0.0001"},
      {0.00012345, "0.00012345"},
      {1e-05, "1e-05"},
      {1.5e-05, "1.5e-05"},
      {3e-10, "3e-10"},
      {1e15, "1000000000000000.0"},
      {9999999999999998.0, "9999999999999998.0"},
      {9007199254740992.0, "9007199254740992.0"},
      {1e16, "1e+16"},
      {1.5e16, "1.5e+16"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {9223372036854775808.0, "9.223372036854776e+18"},
      {1e22, "1e+22"},
      {1e100, "1e+100"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {5e-324, "5e-324"},
  };
  for (const auto& row : kTable) {
    if (python_repr(row.x) != row.python) {
      std::fprintf(stderr, "fuzz: the reference writes \"%s\" for %.17g, Python \"%s\"\n",
                   python_repr(row.x).c_str(), row.x, row.python);
      std::abort();
    }
    check(row.x);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  check_table();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Every 8 bytes are one double's bits; the whole input, read as text, is another.
  for (std::size_t i = 0; i + sizeof(double) <= size; i += sizeof(double)) {
    double x;
    std::memcpy(&x, data + i, sizeof x);
    check(x);
  }
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(std::strtod(text.c_str(), nullptr));
  return 0;
}
