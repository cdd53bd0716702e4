#pragma once

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
http::Response legacy_convert(std::string_view valor, const RateTable& rates);

}  // namespace conv::converter
