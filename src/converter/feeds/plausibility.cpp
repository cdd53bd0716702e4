#include "conv/converter/feeds/plausibility.hpp"

#include "conv/converter/currency.hpp"

namespace conv::converter {

namespace {

// a * b, exactly.
Decimal times(const Decimal& a, const Decimal& b) {
  return multiply_divide_rounded(a, b, Decimal(1, 0), a.scale() + b.scale(),
                                 Rounding::half_away_from_zero);
}

}  // namespace

Plausibility check_day(PublishedDay& day, const PublishedDay* previous, const Decimal& max_factor) {
  Plausibility found;
  for (auto it = day.rates.begin(); it != day.rates.end();) {
    if (find_currency(it->first)) {
      ++it;
      continue;
    }
    found.dropped.push_back(it->first);
    it = day.rates.erase(it);
  }
  if (!previous) return found;
  for (const auto& [code, rate] : day.rates) {
    const auto before = previous->rates.find(code);
    if (before == previous->rates.end()) continue;
    const Decimal& old = before->second;
    if (rate > times(old, max_factor) || times(rate, max_factor) < old) {
      found.jumps.push_back(code + " " + old.to_string() + " -> " + rate.to_string());
    }
  }
  return found;
}

}  // namespace conv::converter
