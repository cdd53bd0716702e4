#pragma once

#include <optional>
#include <string_view>

namespace conv::util {

// A duration written with units, as Envoy, Traefik and Go write them: one or more of a decimal
// number and a unit (ms, s, m, h), "250ms", "30s", "5m", "1m30s", "1.5s", "24h"; in seconds.
// Nothing if it is not one (empty, a sign, a bare number, an unknown unit).
std::optional<double> duration_seconds(std::string_view text);

// A bare number of seconds ("86400", "1.5") or a duration with units, as above.
std::optional<double> seconds_or_duration(std::string_view text);

}  // namespace conv::util
