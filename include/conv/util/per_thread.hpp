#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace conv::util {

// One T per thread that uses this object, so that threads never share what they write on
// the request path (access log buffers, metrics slots, upstream connection pools).
//
// local() finds the calling thread's instance through a thread-local cache: no lock but the
// first time a thread asks. for_each() visits every instance under the lock, for whoever
// aggregates (a metrics scrape, the log writer). Instances live as long as this object.
template <typename T>
class PerThread {
 public:
  PerThread() : id_(next_id().fetch_add(1)) {}
  PerThread(const PerThread&) = delete;
  PerThread& operator=(const PerThread&) = delete;

  // This thread's instance; `make()` builds it (a std::unique_ptr<T>) the first time.
  template <typename Make>
  T& local(Make&& make) {
    thread_local std::vector<std::pair<std::uint64_t, T*>> cache;
    for (const auto& [owner, instance] : cache) {
      if (owner == id_) return *instance;
    }
    std::lock_guard lock(mutex_);
    instances_.push_back(make());
    cache.emplace_back(id_, instances_.back().get());
    return *instances_.back();
  }

  template <typename F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& instance : instances_) f(*instance);
  }

 private:
  static std::atomic<std::uint64_t>& next_id() {
    static std::atomic<std::uint64_t> id{1};
    return id;
  }

  const std::uint64_t id_;  // never reused, so a stale cache entry never matches
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<T>> instances_;
};

}  // namespace conv::util
