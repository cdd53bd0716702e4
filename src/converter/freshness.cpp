#include "conv/converter/freshness.hpp"

namespace conv::converter {

namespace chr = std::chrono;

std::optional<Provider> scheduled_provider(std::string_view name) {
  if (name == "ecb") return Provider::ecb;
  if (name == "bcb_ptax") return Provider::bcb_ptax;
  return std::nullopt;
}

namespace {

Date date_of(const RateTable& day) {
  return Date::from_days(static_cast<std::int32_t>(day.as_of_epoch / 86'400));
}

}  // namespace

Freshness freshness_of(const RateTable& latest, chr::sys_seconds now, const StalePolicy& policy) {
  const auto provider = scheduled_provider(latest.provider);
  if (!provider) return {};
  const Date day = date_of(latest);
  const chr::sys_seconds due = next_publication(*provider, expected_at(*provider, day));
  Freshness f;
  f.stale = now - due > policy.after;
  const auto max_age = now < due ? due - now : chr::seconds(60);
  f.cache_control = "public, max-age=" + std::to_string(max_age.count());
  return f;
}

bool settled_on(const RateTable& day, Date date) {
  const auto provider = scheduled_provider(day.provider);
  if (!provider) return false;
  // A few days at most, whatever `date`: no provider goes a week without publishing.
  for (Date d = date_of(day).next(); d <= date; d = d.next()) {
    if (publishes_on(*provider, d)) return false;
  }
  return true;
}

}  // namespace conv::converter
