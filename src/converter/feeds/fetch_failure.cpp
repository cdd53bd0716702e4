#include "conv/converter/feeds/fetch_failure.hpp"

namespace conv::converter {

std::string_view to_string(FetchFailure f) {
  switch (f) {
    case FetchFailure::timeout:
      return "timeout";
    case FetchFailure::resolve:
      return "resolve";
    case FetchFailure::connect_refused:
      return "connect_refused";
    case FetchFailure::tls:
      return "tls";
    case FetchFailure::reset:
      return "reset";
    case FetchFailure::too_large:
      return "too_large";
    case FetchFailure::http_status:
      return "http_status";
    case FetchFailure::unreadable:
      return "unreadable";
    case FetchFailure::malformed:
      return "malformed";
    case FetchFailure::implausible:
      return "implausible";
    case FetchFailure::store:
      return "store";
  }
  return "unknown";
}

std::optional<FetchFailure> failure_from_probe(std::string_view reason) {
  for (const FetchFailure f : kAllFetchFailures) {
    if (to_string(f) == reason) return f;
  }
  return std::nullopt;
}

}  // namespace conv::converter
