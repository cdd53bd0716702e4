#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conv/converter/feeds/published_day.hpp"

struct sqlite3;

namespace conv::converter {

// The store failed (cannot open, disk full, not a rates store): what, and the file.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every published day of every provider, on disk: one SQLite file, created on first use, in
// WAL mode. A save is one transaction: a crash or an error mid-way leaves the store as it was.
// Rates are kept as their decimal text (exact). Used by the refresher and `conv rates`, never
// on the request path (requests read the RateHistory made from it).
class RatesDb {
 public:
  enum class Mode {
    read_write,  // created if missing, in WAL mode
    // A file prepared elsewhere and shared read-only (a volume mounted read-only in every pod):
    // opened as immutable, so SQLite needs neither write access nor the -wal and -shm files.
    // Nothing may write it meanwhile.
    read_only,
    // Read and never written, nor created (conv converter --check): through the -wal file, as
    // one more reader, when a converter has the store open (a -wal and a -shm file beside it);
    // else the file alone, which then holds every commit, as immutable (so that SQLite makes no
    // -wal or -shm file either). A missing file is a StoreError.
    inspect,
  };
  explicit RatesDb(const std::string& path, Mode mode = Mode::read_write);  // throws StoreError
  ~RatesDb();
  RatesDb(const RatesDb&) = delete;
  RatesDb& operator=(const RatesDb&) = delete;

  // Stores the days; a day already stored for the same provider is replaced whole.
  void save(const std::vector<PublishedDay>& days);
  // Every stored day of `provider`, oldest first.
  std::vector<PublishedDay> load(std::string_view provider) const;

 private:
  void exec(const char* sql) const;
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace conv::converter
