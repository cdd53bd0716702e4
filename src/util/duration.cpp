#include "conv/util/duration.hpp"

#include <charconv>
#include <system_error>

namespace conv::util {

namespace {

// A non-negative decimal number at the start of `text`, which it then no longer holds.
std::optional<double> take_number(std::string_view& text) {
  double number = 0;
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), number, std::chars_format::fixed);
  if (ec != std::errc()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return number;
}

}  // namespace

std::optional<double> duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    const auto number = take_number(text);
    if (!number) return std::nullopt;
    double unit = 0;
    std::size_t unit_length = 1;
    if (text.starts_with("ms")) {
      unit = 0.001;
      unit_length = 2;
    } else if (text.starts_with('s')) {
      unit = 1;
    } else if (text.starts_with('m')) {
      unit = 60;
    } else if (text.starts_with('h')) {
      unit = 3600;
    } else {
      return std::nullopt;
    }
    text.remove_prefix(unit_length);
    total += *number * unit;
  }
  return total;
}

std::optional<double> seconds_or_duration(std::string_view text) {
  std::string_view rest = text;
  if (const auto number = take_number(rest); number && rest.empty()) return number;
  return duration_seconds(text);
}

}  // namespace conv::util
