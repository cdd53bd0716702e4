#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace conv::converter {

// Why a fetch of a provider's feed did not replace the rates in force: the `reason` label of
// conv_rates_fetch_failures_total. The first eight are the transport's (async_probe's
// reasons, a status other than 2xx, a local file that cannot be read); the others are what the
// refresher found in a complete answer.
enum class FetchFailure {
  timeout,          // the deadline passed (a provider that accepts and never answers)
  resolve,          // the provider's name did not resolve
  connect_refused,  // no connection (refused, unreachable)
  tls,              // the TLS handshake failed (certificate not trusted, wrong name...)
  reset,            // the connection ended before a whole answer (a body cut short)
  too_large,        // a body beyond the fetch's limit
  http_status,      // an answer other than 2xx
  unreadable,       // a local file (the `file` provider) missing, not a file, or unreadable
  malformed,        // the answer or its body did not parse (FeedError)
  implausible,      // parsed, but refused by the checks (a jump, a future day, no rates)
  store,            // the store could not save the days (disk full...)
};

inline constexpr std::size_t kFetchFailureCount = 11;

inline constexpr std::array<FetchFailure, kFetchFailureCount> kAllFetchFailures = {
    FetchFailure::timeout,     FetchFailure::resolve,    FetchFailure::connect_refused,
    FetchFailure::tls,         FetchFailure::reset,      FetchFailure::too_large,
    FetchFailure::http_status, FetchFailure::unreadable, FetchFailure::malformed,
    FetchFailure::implausible, FetchFailure::store};

std::string_view to_string(FetchFailure f);

// async_probe's ProbeResult::reason as a failure ("connect_refused" -> connect_refused);
// nothing for a reason it does not know.
std::optional<FetchFailure> failure_from_probe(std::string_view reason);

}  // namespace conv::converter
