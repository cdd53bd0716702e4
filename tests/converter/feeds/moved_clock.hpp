#pragma once

#include <chrono>

#include "conv/converter/date.hpp"

namespace conv::converter {

// A day and a moment of it in UTC, for the tests that move the clock over the publication
// schedules: day("2024-10-04"), at("2024-10-04", 14, 5).
inline Date day(const char* iso) {
  return *Date::parse(iso);
}

inline std::chrono::sys_seconds at(const char* iso, int hour, int minute = 0) {
  return std::chrono::sys_seconds(std::chrono::seconds(day(iso).epoch_seconds())) +
         std::chrono::hours(hour) + std::chrono::minutes(minute);
}

}  // namespace conv::converter
