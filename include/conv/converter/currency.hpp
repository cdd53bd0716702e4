#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace conv::converter {

// An ISO 4217 currency: its alphabetic code, its English name and its minor units (the number
// of decimal places amounts in it are rounded to).
struct Currency {
  std::string_view code;
  std::string_view name;
  unsigned minor_units;
};

// The currencies conv knows, sorted by code.
std::span<const Currency> known_currencies();

// Whether `s` has the shape of an ISO 4217 alphabetic code: three capital letters.
bool is_currency_code(std::string_view s);

// Looks up an upper-case code ("USD"). Nothing for an unknown code.
std::optional<Currency> find_currency(std::string_view code);

}  // namespace conv::converter
