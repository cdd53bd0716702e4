#include "conv/converter/rate_store.hpp"

#include "conv/converter/rates_db.hpp"

namespace conv::converter {

namespace {

// `source`'s days; a store opened in `mode`.
std::shared_ptr<const RatesCatalog> load_catalog(const RatesSource& source, RatesDb::Mode mode) {
  if (!source.store_path.empty()) {
    try {
      auto catalog = catalog_from_days(RatesDb(source.store_path, mode).load(source.provider));
      if (!catalog) {
        throw RatesError(source.store_path + ": no rates of " + source.provider +
                         " stored (conv rates import FILE loads a provider's history)");
      }
      return catalog;
    } catch (const StoreError& e) {
      throw RatesError(e.what());
    }
  }
  std::vector<RateTable> day;
  day.push_back(source.rates_path.empty() ? original_rates() : load_rates_file(source.rates_path));
  return std::make_shared<const RatesCatalog>(std::move(day));
}

}  // namespace

std::string RatesSource::describe() const {
  if (!store_path.empty()) {
    return provider + " from " + store_path + (store_read_only ? " (read-only)" : "");
  }
  return rates_path.empty() ? "built-in" : rates_path;
}

RateStore::RateStore(RatesSource source) : source_(std::move(source)) {}

void RateStore::load() {
  const auto mode = source_.store_read_only ? RatesDb::Mode::read_only : RatesDb::Mode::read_write;
  catalog_.publish(load_catalog(source_, mode));
}

void RateStore::inspect() {
  catalog_.publish(load_catalog(source_, RatesDb::Mode::inspect));
}

std::optional<std::string> RateStore::reload() {
  if (source_.rates_path.empty() && source_.store_path.empty()) {
    return std::string("no rates file was given (--rates); nothing to reload");
  }
  try {
    load();
    return std::nullopt;
  } catch (const RatesError& e) {
    return std::string(e.what());
  }
}

}  // namespace conv::converter
