#pragma once

#include <atomic>
#include <cstdint>

namespace conv::balancer {

// Reloads done and refused, for /metrics and /status.
struct ReloadStats {
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
};

}  // namespace conv::balancer
