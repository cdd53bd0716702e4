#include "conv/converter/freshness.hpp"

namespace conv::converter {

namespace chr = std::chrono;

std::optional<Provider> scheduled_provider(std::string_view name) {
  if (name == "ecb") return Provider::ecb;
  if (name == "bcb_ptax") return Provider::bcb_ptax;
  return std::nullopt;
}

Freshness freshness_of(const RateTable& latest, chr::sys_seconds now, const StalePolicy& policy) {
  const auto provider = scheduled_provider(latest.provider);
  if (!provider) return {};
  const auto day = Date::from_days(static_cast<std::int32_t>(latest.as_of_epoch / 86'400));
  const chr::sys_seconds due = next_publication(*provider, expected_at(*provider, day));
  Freshness f;
  f.stale = now - due > policy.after;
  const auto max_age = now < due ? due - now : chr::seconds(60);
  f.cache_control = "public, max-age=" + std::to_string(max_age.count());
  return f;
}

}  // namespace conv::converter
