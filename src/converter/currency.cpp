#include "conv/converter/currency.hpp"

#include <algorithm>
#include <array>

namespace conv::converter {

namespace {

// ISO 4217 (list one), the actively traded currencies. Minor units as published by the ISO
// 4217 maintenance agency.
constexpr std::array kCurrencies = {
    Currency{"AED", "UAE dirham", 2},         Currency{"ARS", "Argentine peso", 2},
    Currency{"AUD", "Australian dollar", 2},  Currency{"BGN", "Bulgarian lev", 2},
    Currency{"BHD", "Bahraini dinar", 3},     Currency{"BRL", "Brazilian real", 2},
    Currency{"CAD", "Canadian dollar", 2},    Currency{"CHF", "Swiss franc", 2},
    Currency{"CLP", "Chilean peso", 0},       Currency{"CNY", "Chinese yuan renminbi", 2},
    Currency{"COP", "Colombian peso", 2},     Currency{"CZK", "Czech koruna", 2},
    Currency{"DKK", "Danish krone", 2},       Currency{"EUR", "Euro", 2},
    Currency{"GBP", "Pound sterling", 2},     Currency{"HKD", "Hong Kong dollar", 2},
    Currency{"HUF", "Hungarian forint", 2},   Currency{"IDR", "Indonesian rupiah", 2},
    Currency{"ILS", "Israeli new shekel", 2}, Currency{"INR", "Indian rupee", 2},
    Currency{"ISK", "Iceland krona", 0},      Currency{"JOD", "Jordanian dinar", 3},
    Currency{"JPY", "Japanese yen", 0},       Currency{"KRW", "South Korean won", 0},
    Currency{"KWD", "Kuwaiti dinar", 3},      Currency{"MXN", "Mexican peso", 2},
    Currency{"MYR", "Malaysian ringgit", 2},  Currency{"NOK", "Norwegian krone", 2},
    Currency{"NZD", "New Zealand dollar", 2}, Currency{"OMR", "Omani rial", 3},
    Currency{"PEN", "Peruvian sol", 2},       Currency{"PHP", "Philippine peso", 2},
    Currency{"PLN", "Polish zloty", 2},       Currency{"PYG", "Paraguayan guarani", 0},
    Currency{"RON", "Romanian leu", 2},       Currency{"SEK", "Swedish krona", 2},
    Currency{"SGD", "Singapore dollar", 2},   Currency{"THB", "Thai baht", 2},
    Currency{"TND", "Tunisian dinar", 3},     Currency{"TRY", "Turkish lira", 2},
    Currency{"TWD", "New Taiwan dollar", 2},  Currency{"USD", "US dollar", 2},
    Currency{"UYU", "Uruguayan peso", 2},     Currency{"ZAR", "South African rand", 2},
};

constexpr bool sorted_by_code() {
  for (std::size_t i = 1; i < kCurrencies.size(); ++i) {
    if (!(kCurrencies[i - 1].code < kCurrencies[i].code)) return false;
  }
  return true;
}
static_assert(sorted_by_code(), "kCurrencies must stay sorted by code");

}  // namespace

std::span<const Currency> known_currencies() {
  return kCurrencies;
}

bool is_currency_code(std::string_view s) {
  return s.size() == 3 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::optional<Currency> find_currency(std::string_view code) {
  const auto it =
      std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                       [](const Currency& c, std::string_view k) { return c.code < k; });
  if (it == kCurrencies.end() || it->code != code) return std::nullopt;
  return *it;
}

}  // namespace conv::converter
