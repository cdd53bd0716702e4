#pragma once

#include <memory>
#include <optional>
#include <string>

#include "conv/converter/rates.hpp"
#include "conv/util/published.hpp"

namespace conv::converter {

// The rate table in force, replaceable while requests run (SIGHUP reload). Readers on the
// request path go through util::Published: no lock but once per reload per thread.
class RateStore {
 public:
  // `path` empty: the original's built-in rates, and reload() has nothing to read.
  explicit RateStore(std::string path);

  // Loads the file. Throws RatesError.
  void load();

  // Re-reads the file; on error keeps the table in force and returns why.
  std::optional<std::string> reload();

  // The table in force; load() must have succeeded. Valid until this thread calls current()
  // again.
  const RateTable& current() const { return *table_.current(); }
  std::shared_ptr<const RateTable> snapshot() const { return table_.snapshot(); }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  util::Published<RateTable> table_;
};

}  // namespace conv::converter
