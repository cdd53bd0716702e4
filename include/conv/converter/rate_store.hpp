#pragma once

#include <memory>
#include <optional>
#include <string>

#include "conv/converter/catalog.hpp"
#include "conv/util/published.hpp"

namespace conv::converter {

// Where the converter's rates come from: a rates file (one day), a provider's history in a
// rates store (conv rates import; the refresher), or neither: the original's built-in rates.
struct RatesSource {
  std::string rates_path;        // --rates
  std::string store_path;        // --store
  std::string provider;          // with store_path: whose days ("ecb", "bcb_ptax")
  bool store_read_only = false;  // a shared file nothing writes (RatesDb::Mode::read_only)

  std::string describe() const;
};

// The rates in force, replaceable while requests run (SIGHUP reload). Readers on the request
// path go through util::Published: no lock but once per reload per thread.
class RateStore {
 public:
  explicit RateStore(RatesSource source);
  // A rates file's (empty: the built-in rates).
  explicit RateStore(std::string rates_path)
      : RateStore(RatesSource{std::move(rates_path), {}, {}, false}) {}

  // Loads the rates. Throws RatesError (a bad file, an empty or unreadable store).
  void load();
  // Loads them as load() does, but reads the store without writing or creating it
  // (RatesDb::Mode::inspect): for --check.
  void inspect();

  // Loads them again; on error keeps those in force and returns why.
  std::optional<std::string> reload();

  // Puts `catalog` in force (the live feeds' history, converted off the request path). Any
  // thread; readers move to it on their next request.
  void publish(std::shared_ptr<const RatesCatalog> catalog) {
    catalog_.publish(std::move(catalog));
  }
  // Whether any rates are in force yet (live feeds: not before the first fetch into an empty
  // store). Lock-free but once per change per thread, as catalog().
  bool loaded() const { return catalog_.current() != nullptr; }
  // The rates in force, or null before any; the same lifetime as catalog()'s.
  const RatesCatalog* catalog_or_null() const { return catalog_.current(); }

  // The rates in force; load() (or publish()) must have succeeded. Valid until this thread calls
  // catalog() or current() again.
  const RatesCatalog& catalog() const { return *catalog_.current(); }
  const RateTable& current() const { return catalog().latest(); }
  std::shared_ptr<const RatesCatalog> snapshot() const { return catalog_.snapshot(); }

  const RatesSource& source() const { return source_; }

 private:
  RatesSource source_;
  util::Published<RatesCatalog> catalog_;
};

}  // namespace conv::converter
