#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace conv::util {

// A value that one thread replaces now and then and many threads read all the time: the rate
// table (replaced by SIGHUP), the balancer's rotation (replaced when an upstream's health
// changes).
//
// Readers call current(): one acquire load of a generation number; the lock is taken only the
// first time a thread sees a new generation, so once per update per thread. The reference it
// returns stays valid until the same thread calls current() on the same object again.
// Not copyable; must outlive every reader.
template <typename T>
class Published {
 public:
  Published() : id_(next_id().fetch_add(1)) {}
  explicit Published(std::shared_ptr<const T> initial) : Published() {
    publish(std::move(initial));
  }
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  void publish(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    generation_.fetch_add(1, std::memory_order_release);
  }

  std::shared_ptr<const T> snapshot() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  // Null until something is published.
  const T* current() const { return fresh_entry().value.get(); }
  // The same, as a reference that keeps the value alive (a TLS connection keeps the contexts
  // it started with): a reference count, no lock but on a new generation.
  std::shared_ptr<const T> current_shared() const { return fresh_entry().value; }

 private:
  struct Entry {
    std::uint64_t owner = 0;
    std::uint64_t generation = ~std::uint64_t{0};
    std::shared_ptr<const T> value;
  };

  static std::atomic<std::uint64_t>& next_id() {
    static std::atomic<std::uint64_t> id{1};
    return id;
  }

  Entry& fresh_entry() const {
    Entry& e = entry();
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    if (e.generation != generation) {
      std::lock_guard lock(mutex_);
      e.value = value_;
      e.generation = generation_.load(std::memory_order_relaxed);
    }
    return e;
  }

  // This thread's cached copy for this object. A thread reads few such objects, so a short
  // vector searched linearly is enough.
  Entry& entry() const {
    thread_local std::vector<Entry> entries;
    for (auto& e : entries) {
      if (e.owner == id_) return e;
    }
    entries.push_back(Entry{id_, ~std::uint64_t{0}, nullptr});
    return entries.back();
  }

  const std::uint64_t id_;
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace conv::util
