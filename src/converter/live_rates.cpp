#include "conv/converter/live_rates.hpp"

#include <exception>

#include "conv/converter/catalog.hpp"
#include "conv/log/logger.hpp"

namespace conv::converter {

std::string LiveRatesConfig::names() const {
  std::string out;
  for (const auto& p : providers) out += (out.empty() ? "" : ",") + p.name;
  return out;
}

RefresherOptions refresher_options(const LiveRatesConfig& config, const std::string& store_path) {
  RefresherOptions options;
  options.store = store_path;
  for (const auto& settings : config.providers) {
    options.providers.push_back(make_feed_source(settings));
  }
  options.fetch.tls.ca_file = config.feed_ca;
  options.fallback_after = config.fallback_after;
  options.rules.max_factor = config.max_jump;
  options.rules.refuse_jumps = config.refuse_jumps;
  return options;
}

LiveRates::LiveRates(RefresherOptions options, RateStore& store, std::function<void()> published)
    : store_(store),
      on_published_(std::move(published)),
      refresher_(std::move(options),
                 [this](std::shared_ptr<const RateHistory> history) { publish(history); }) {}

// On the refresher's thread (or start()'s): the days are copied into a catalog here, so that
// request threads find it made. It must not throw: a failure keeps the rates in force.
void LiveRates::publish(const std::shared_ptr<const RateHistory>& history) {
  if (!history || history->size() == 0) return;
  try {
    const auto days = history->days();
    auto catalog = catalog_from_days(std::vector<PublishedDay>(days.begin(), days.end()));
    if (!catalog) return;
    store_.publish(std::move(catalog));
    published_.fetch_add(1, std::memory_order_release);
    if (on_published_) on_published_();
  } catch (const std::exception& e) {
    log::error() << "live rates not published, keeping those in force: " << e.what();
  }
}

}  // namespace conv::converter
