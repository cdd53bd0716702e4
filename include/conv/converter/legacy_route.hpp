#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "conv/converter/rates.hpp"
#include "conv/http/response.hpp"

namespace conv::converter {

// The original API, byte for byte: GET /convertepradolareuro/<valor>.
inline constexpr std::string_view kLegacyPrefix = "/convertepradolareuro/";

// Answers for the (percent-decoded) path segment after the prefix. `valor` must be
// digits "." digits as Flask's <float:valor> route demanded (plain digits are accepted as an
// extension). The body is what Flask's jsonify wrote: compact, keys sorted, a trailing
// newline, binary floating-point results written as Python writes floats. Where the original
// answered Infinity, or an HTML 404, this answers a JSON error.
// With `rates` absent (BRL, USD or EUR not quoted): 503 rates_unavailable, once the amount is
// valid.
http::Response legacy_convert(std::string_view valor,
                              const std::optional<RateTable::Legacy>& rates);
// The same with a table's own legacy rates (a BRL-based rates file, the built-in rates).
inline http::Response legacy_convert(std::string_view valor, const RateTable& rates) {
  return legacy_convert(valor, rates.legacy);
}

// Which rates the legacy route divides by (--legacy-rates): `fixed`, the original's 5.10 and
// 5.60 or a BRL-based rates file's own, whatever a provider publishes (the original's answers,
// byte for byte); or `follow`, the latest day's BRL per USD and per EUR of the rates in force
// (RatesCatalog::followed_legacy()).
enum class LegacyRates : std::uint8_t { fixed, follow };

}  // namespace conv::converter
