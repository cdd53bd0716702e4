// The rates file parser (src/converter/rates.cpp) on arbitrary bytes: it either returns a
// table whose quotes are positive and whose base is quoted at exactly 1, or throws
// RatesError, never anything else.
#include "conv/converter/rates.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace conv::converter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const RateTable t = parse_rates(text);
    const Decimal* base = t.quote(t.base);
    if (!base || base->to_string() != "1") std::abort();
    for (const auto& [code, q] : t.quotes) {
      if (q.sign() <= 0 || code.size() != 3) std::abort();
    }
    if (t.as_of.size() != 10) std::abort();
  } catch (const RatesError&) {
  }
  return 0;
}
