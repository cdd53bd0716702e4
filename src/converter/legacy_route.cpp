#include "conv/converter/legacy_route.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "conv/converter/python_float.hpp"
#include "conv/http/error_response.hpp"

namespace conv::converter {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Flask's float converter: \d+\.\d+ (and, as our extension, \d+).
bool is_legacy_amount(std::string_view s) {
  const auto dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s);
  return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

}  // namespace

http::Response legacy_convert(std::string_view valor,
                              const std::optional<RateTable::Legacy>& rates) {
  if (valor.empty()) {
    return http::error_response(400, "invalid_amount",
                                "missing amount: use /convertepradolareuro/<amount>, e.g. 15.0");
  }
  if (!is_legacy_amount(valor)) {
    if (valor.front() == '-' && is_legacy_amount(valor.substr(1))) {
      return http::error_response(400, "invalid_amount", "amount must not be negative");
    }
    return http::error_response(400, "invalid_amount",
                                "amount must be a non-negative decimal number such as 15.0");
  }
  if (!rates) {
    return http::error_response(503, "rates_unavailable",
                                "this route needs the rates in force to quote BRL, USD and EUR");
  }
  // Python's float() of the text: correctly rounded, as glibc's strtod is (C locale).
  const std::string text(valor);
  const double real = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(real)) {
    return http::error_response(400, "amount_out_of_range",
                                "amount is too large to convert (the result would be infinite)");
  }
  const double dolar = real / rates->dolar;
  const double euro = real / rates->euro;

  http::Response r;
  r.body.reserve(96);
  r.body += R"({"conversao":{"dolar":)";
  append_python_float(r.body, dolar);
  r.body += R"(,"euro":)";
  append_python_float(r.body, euro);
  r.body += R"(,"real":)";
  append_python_float(r.body, real);
  r.body += "}}\n";
  return r;
}

}  // namespace conv::converter
