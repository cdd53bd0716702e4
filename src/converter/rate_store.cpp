#include "conv/converter/rate_store.hpp"

namespace conv::converter {

RateStore::RateStore(std::string path) : path_(std::move(path)) {}

void RateStore::load() {
  table_.publish(
      std::make_shared<const RateTable>(path_.empty() ? original_rates() : load_rates_file(path_)));
}

std::optional<std::string> RateStore::reload() {
  if (path_.empty()) return std::string("no rates file was given (--rates); nothing to reload");
  try {
    load();
    return std::nullopt;
  } catch (const RatesError& e) {
    return std::string(e.what());
  }
}

}  // namespace conv::converter
