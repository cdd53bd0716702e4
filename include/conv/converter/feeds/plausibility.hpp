#pragma once

#include <string>
#include <vector>

#include "conv/converter/feeds/published_day.hpp"

namespace conv::converter {

// What a check of a fetched day found: the currencies dropped (not ISO 4217 codes conv knows,
// such as the ECB's old RUB or HRK), and those whose rate moved by more than the configured
// factor since the previous day (kept, but each worth a log line: a feed error or a crisis).
struct Plausibility {
  std::vector<std::string> dropped;
  std::vector<std::string> jumps;  // "USD 1.1036 -> 2.5000"
};

// Drops from `day` the currencies conv does not know, and compares the others with
// `previous` (none: the first day) by `max_factor` (> 1; 1.5 means a move beyond x1.5 or /1.5),
// exactly: new > old * factor or new * factor < old.
Plausibility check_day(PublishedDay& day, const PublishedDay* previous, const Decimal& max_factor);

}  // namespace conv::converter
