#include "conv/converter/feeds/freshness.hpp"

#include <algorithm>

namespace conv::converter {

namespace chr = std::chrono;

chr::seconds rates_age(std::optional<Provider> provider, Date latest, chr::sys_seconds now) {
  // A file's as_of names a day, not an hour: it counts from the day's start.
  const chr::sys_seconds published = provider
                                         ? expected_at(*provider, latest)
                                         : chr::sys_seconds(chr::seconds(latest.epoch_seconds()));
  return std::max(chr::seconds(0), now - published);
}

chr::seconds overdue(std::optional<Provider> provider, Date latest, chr::sys_seconds now) {
  if (!provider) return chr::seconds(0);
  // The next publication after `latest`'s own; the calendar's bound (next_publication)
  // applies.
  const chr::sys_seconds due = next_publication(*provider, expected_at(*provider, latest));
  return std::max(chr::seconds(0), now - due);
}

std::optional<std::size_t> choose_in_force(std::span<const ProviderFreshness> providers,
                                           chr::sys_seconds now, chr::seconds fallback_after) {
  std::optional<std::size_t> any;
  for (std::size_t i = 0; i < providers.size(); ++i) {
    const auto& p = providers[i];
    if (!p.latest) continue;
    if (overdue(p.schedule, *p.latest, now) <= fallback_after) return i;
    if (!any) any = i;
  }
  return any;
}

}  // namespace conv::converter
