#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conv/converter/decimal.hpp"
#include "conv/converter/feeds/feed_sources.hpp"
#include "conv/converter/feeds/refresher.hpp"
#include "conv/converter/rate_store.hpp"

namespace conv::converter {

// `conv converter --refresh`: the providers fetched live, highest priority first.
struct LiveRatesConfig {
  std::vector<SourceSettings> providers;  // empty: no live feeds
  std::string feed_ca;                    // CA bundle for the feeds' TLS; empty: the system's
  std::chrono::seconds fallback_after{std::chrono::hours(24)};
  // A day's move beyond x max_jump (or / max_jump) since the previous day is a jump: logged,
  // and the whole fetch refused unless `refuse_jumps` is false.
  Decimal max_jump{15, 1};
  bool refuse_jumps = true;

  bool enabled() const { return !providers.empty(); }
  // "ecb,bcb_ptax": the providers, in priority order.
  std::string names() const;
};

// The refresher's options for `config`, saving into the store at `store_path`. Throws
// std::invalid_argument for a provider make_feed_source() refuses.
RefresherOptions refresher_options(const LiveRatesConfig& config, const std::string& store_path);

// The converter's live rates: owns a Refresher and publishes the history in force, as a
// RatesCatalog, into a RateStore. The conversion runs where the refresher calls back (the
// thread calling start(), then the refresher's own), never on a request thread: requests only
// read what RateStore publishes.
class LiveRates {
 public:
  // `store` must outlive this. `published`, if any, runs after each catalog is put in force,
  // on the thread that published it (the converter gives the replaced one's memory back then).
  LiveRates(RefresherOptions options, RateStore& store, std::function<void()> published = nullptr);
  LiveRates(const LiveRates&) = delete;
  LiveRates& operator=(const LiveRates&) = delete;

  // Loads the stored days and publishes those in force before returning (none in an empty
  // store), then starts fetching. Throws StoreError or FeedError (see Refresher::start).
  void start() { refresher_.start(); }
  void stop() { refresher_.stop(); }
  // Every provider fetches now (SIGHUP). Any thread; returns at once.
  void refresh_now() { refresher_.refresh_now(); }

  const RefreshStats& stats() const { return refresher_.stats(); }
  std::uint64_t fetches_done() const { return refresher_.fetches_done(); }
  // Catalogs published to the store so far.
  std::uint64_t published() const { return published_.load(std::memory_order_acquire); }

 private:
  void publish(const std::shared_ptr<const RateHistory>& history);

  RateStore& store_;
  std::function<void()> on_published_;
  std::atomic<std::uint64_t> published_{0};
  Refresher refresher_;  // last: its thread calls publish() until it is destroyed
};

}  // namespace conv::converter
