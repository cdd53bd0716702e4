#include "conv/converter/rate_store.hpp"

namespace conv::converter {

namespace {
std::atomic<std::uint64_t> next_store_id{1};
}

RateStore::RateStore(std::string path) : path_(std::move(path)), id_(next_store_id.fetch_add(1)) {}

void RateStore::load() {
  publish(
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

void RateStore::publish(std::shared_ptr<const RateTable> table) {
  std::lock_guard lock(mutex_);
  table_ = std::move(table);
  generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const RateTable> RateStore::snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

const RateTable& RateStore::current() const {
  struct Cache {
    std::uint64_t store = 0;
    std::uint64_t generation = 0;
    std::shared_ptr<const RateTable> table;
  };
  thread_local Cache cache;
  const std::uint64_t generation = generation_.load(std::memory_order_acquire);
  if (cache.store != id_ || cache.generation != generation || !cache.table) {
    std::lock_guard lock(mutex_);
    cache = {id_, generation_.load(std::memory_order_relaxed), table_};
  }
  return *cache.table;
}

}  // namespace conv::converter
