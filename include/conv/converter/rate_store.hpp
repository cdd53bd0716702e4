#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "conv/converter/rates.hpp"

namespace conv::converter {

// The rate table in force, replaceable while requests run (SIGHUP reload).
//
// Readers call current() on the request path: one atomic load of a generation number, and a
// lock only the first time a thread sees a new generation (once per reload per thread). The
// table it returns stays valid until the same thread calls current() again.
class RateStore {
 public:
  // `path` empty: the original's built-in rates, and reload() has nothing to read.
  explicit RateStore(std::string path);

  // Loads the file. Throws RatesError.
  void load();

  // Re-reads the file; on error keeps the table in force and returns why.
  std::optional<std::string> reload();

  const RateTable& current() const;
  std::shared_ptr<const RateTable> snapshot() const;

  const std::string& path() const { return path_; }

 private:
  void publish(std::shared_ptr<const RateTable> table);

  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const RateTable> table_;
  std::atomic<std::uint64_t> generation_{0};
  std::uint64_t id_;
};

}  // namespace conv::converter
