#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv::converter {

// A calendar day, as rates are published (no time, no zone): days since 1970-01-01.
class Date {
 public:
  // "YYYY-MM-DD" between 1970-01-01 and 9999-12-31, a real day of the calendar.
  static std::optional<Date> parse(std::string_view iso);
  // "NNNN-NN-NN", digits and dashes in place, whether or not it names a real day (2010-31-01
  // is shaped). parse() takes nothing that is not.
  static bool shaped(std::string_view s);
  static constexpr Date from_days(std::int32_t days) { return Date(days); }

  std::string text() const;  // "YYYY-MM-DD"
  std::int32_t days() const { return days_; }
  std::int64_t epoch_seconds() const { return std::int64_t{days_} * 86'400; }
  bool weekend() const;  // Saturday or Sunday
  Date next() const { return Date(days_ + 1); }
  Date previous() const { return Date(days_ - 1); }

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_(days) {}
  std::int32_t days_ = 0;
};

}  // namespace conv::converter
