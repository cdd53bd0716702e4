// Polls a condition until it holds or a deadline passes: tests observe readiness, they never
// assume it after a sleep.
#pragma once

#include <chrono>
#include <thread>

namespace conv::testing {

// True as soon as `done()` is; false if it is still false after `limit` (checked every 2 ms).
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace conv::testing
