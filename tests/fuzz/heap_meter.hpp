// The high-water mark of the heap the code under test holds while one input runs, from the
// sanitizer allocator's malloc and free hooks (ASan and libFuzzer builds). RSS is too coarse
// for a per-input bound (the allocator keeps freed memory, and a 48 MiB buffer would be one
// of many) and mallinfo2 does not see ASan's allocator; the hooks see every allocation.
//
// What the harness itself keeps in proportion to the input (what the client received, the
// scripted upstream's reply) is allocated through HarnessAllocator and not counted: the
// meter answers "how much did the server buffer", not "how much did the test store".
//
// Without the sanitizer runtime (a plain gtest build), the hooks are absent and the meter
// reports that it is off.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>

extern "C" {
// Weak: present with ASan (and so with every fuzz target), absent in a plain build.
int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, std::size_t),
                                              void (*)(const volatile void*)) __attribute__((weak));
std::size_t __sanitizer_get_allocated_size(const volatile void*) __attribute__((weak));
}

namespace conv::fuzz {

namespace heap_detail {
// Bytes live in the whole process, bytes of them owned by the harness, and the highest
// (live - harness) seen since the last reset. Any thread may allocate or free.
inline std::atomic<std::int64_t> live{0};
inline std::atomic<std::int64_t> harness{0};
inline std::atomic<std::int64_t> peak{0};

inline void raise_peak(std::int64_t v) {
  std::int64_t p = peak.load(std::memory_order_relaxed);
  while (v > p && !peak.compare_exchange_weak(p, v, std::memory_order_relaxed)) {
  }
}
inline void on_malloc(const volatile void*, std::size_t size) {
  const auto now = live.fetch_add(static_cast<std::int64_t>(size), std::memory_order_relaxed) +
                   static_cast<std::int64_t>(size);
  raise_peak(now - harness.load(std::memory_order_relaxed));
}
inline void on_free(const volatile void* p) {
  // Called before the chunk is released, so its size is still known.
  live.fetch_sub(static_cast<std::int64_t>(__sanitizer_get_allocated_size(p)),
                 std::memory_order_relaxed);
}
}  // namespace heap_detail

class HeapMeter {
 public:
  // Installs the hooks once; false if the sanitizer runtime is not linked in.
  static bool enable() {
    static const bool on = __sanitizer_install_malloc_and_free_hooks != nullptr &&
                           __sanitizer_get_allocated_size != nullptr &&
                           __sanitizer_install_malloc_and_free_hooks(heap_detail::on_malloc,
                                                                     heap_detail::on_free) != 0;
    return on;
  }
  // Starts a measurement: the high-water mark restarts at what is held now.
  void start() {
    using namespace heap_detail;
    base_ = live.load(std::memory_order_relaxed) - harness.load(std::memory_order_relaxed);
    peak.store(base_, std::memory_order_relaxed);
  }
  // The most the code under test held at once since start(), above what it held then.
  std::int64_t peak_growth() const {
    return heap_detail::peak.load(std::memory_order_relaxed) - base_;
  }

 private:
  std::int64_t base_ = 0;
};

// For the harness's own buffers: counted as the harness's, so never in a peak. The count is
// raised before the allocation and lowered after the free, so (live - harness) never jumps.
template <typename T>
struct HarnessAllocator {
  using value_type = T;
  HarnessAllocator() = default;
  template <typename U>
  HarnessAllocator(const HarnessAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    heap_detail::harness.fetch_add(static_cast<std::int64_t>(n * sizeof(T)));
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    ::operator delete(p);
    heap_detail::harness.fetch_sub(static_cast<std::int64_t>(n * sizeof(T)));
  }
  template <typename U>
  bool operator==(const HarnessAllocator<U>&) const noexcept {
    return true;
  }
};

using HarnessString = std::basic_string<char, std::char_traits<char>, HarnessAllocator<char>>;

}  // namespace conv::fuzz
