// The Python-repr number writer, round-trip property: for every finite double, what
// python_float writes reads back (strtod) as the same double, bit for bit, and has Python's
// shape: a '.' or an exponent, never a bare integer, exponent form only outside 1e-4..1e16.
#include "conv/converter/python_float.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void check(double x) {
  if (!std::isfinite(x)) return;
  const std::string s = conv::converter::python_float(x);
  char* end = nullptr;
  const double back = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) std::abort();
  if (std::memcmp(&back, &x, sizeof x) != 0) std::abort();  // same bits (keeps -0.0)
  const bool exponent = s.find('e') != std::string::npos;
  if (!exponent && s.find('.') == std::string::npos) std::abort();
  const double a = std::fabs(x);
  if (a != 0 && exponent != (a < 1e-4 || a >= 1e16)) std::abort();
}

}  // namespace

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
