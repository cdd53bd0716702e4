#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "conv/converter/feeds/feed_fetcher.hpp"
#include "conv/converter/feeds/feed_source.hpp"
#include "conv/converter/feeds/provider_refresh.hpp"
#include "conv/converter/feeds/refresh_stats.hpp"
#include "conv/converter/history.hpp"
#include "conv/converter/rates_db.hpp"

namespace conv::converter {

struct RefresherOptions {
  std::string store;  // the RatesDb file (created if missing)
  // The providers, highest priority first (see Refresher on fallback).
  std::vector<std::shared_ptr<const FeedSource>> providers;
  RefreshRules rules = {};
  FetchSettings fetch = {};
  // The first provider whose rates are overdue by at most this is in force.
  std::chrono::seconds fallback_after{std::chrono::hours(24)};
  // The wall clock the plans and ages go by; null: the system clock. Tests give a fake one.
  std::function<std::chrono::sys_seconds()> clock = nullptr;
  // A timer never sleeps longer than this before looking at the clock again: the wall clock
  // may jump (a suspended VM, NTP; a test moving its fake clock) while timers count steady time.
  std::chrono::milliseconds max_sleep{std::chrono::minutes(10)};
};

// Called with the history of the provider in force whenever it changes (new days, or another
// provider taking over): the converter publishes it to request threads (util::Published). It
// must be quick and must not throw: it runs on the refresher's thread, between fetches.
using RatesUpdate = std::function<void(std::shared_ptr<const RateHistory>)>;

// Keeps the rates of the configured providers fresh, on an io_context and a thread of its own:
// request threads never fetch, parse or wait; they only read the history on_update published.
//
// Each provider is refreshed independently, on its own plan (refresh_plan.hpp): fetch, parse,
// check (acceptance.hpp), save the changed days in the store (one transaction), merge into its
// history. A failed, malformed or implausible fetch changes nothing: the last good rates stay
// in force and the fetch is retried with backoff.
//
// Priority and fallback: `providers` is in priority order. The rates in force are those of the
// first provider whose latest day is not overdue by more than `fallback_after` (freshness.hpp:
// the time a newer publication has been due and missing); if every provider is overdue, the
// first that has rates at all; none before any provider has rates. The choice is made again
// after every fetch and at start; on_update runs when the choice or its history changes.
// Providers keep their own histories (different bases: EUR, BRL); they are never mixed.
//
// Threads: on_update runs on the thread calling start() (for the stored history) and then on
// the refresher's thread, never two at once. stats(), history() and planned() are safe from
// any thread. The destructor stops the thread; a fetch in flight is abandoned, not waited for.
//
//   util::Published<RateHistory> rates;  // outlives the refresher
//   Refresher refresher({.store = path, .providers = {std::make_shared<EcbSource>(),
//                        std::make_shared<PtaxSource>(codes)}},
//                       [&rates](auto history) { rates.publish(std::move(history)); });
//   refresher.start();  // the stored history is published on return
//   ... /metrics: write_refresh_metrics(writer, refresher.stats(), now);
class Refresher {
 public:
  Refresher(RefresherOptions options, RatesUpdate on_update);
  ~Refresher();
  Refresher(const Refresher&) = delete;
  Refresher& operator=(const Refresher&) = delete;

  // Opens the store, loads every provider's history from it and publishes the one in force
  // (before returning: a converter started with a store answers at once, with no fetch), then
  // starts the thread. Throws StoreError if the store cannot be opened, FeedError if its days
  // do not fit together. Call once.
  void start();
  // Ends the thread (idempotent; the destructor calls it).
  void stop();
  // Every provider that is not fetching now fetches its planned fetch now (SIGHUP, tests).
  void refresh_now();

  const RefreshStats& stats() const { return stats_; }
  // A provider's history (null: no rates), and its next planned fetch, as of the last change.
  std::shared_ptr<const RateHistory> history(std::string_view provider) const;
  std::optional<PlannedFetch> planned(std::string_view provider) const;
  // Fetches ended, whatever the result, once everything they changed (store, history,
  // on_update, stats, the next plan) is done: what a test waits for.
  std::uint64_t fetches_done() const { return fetches_done_.load(std::memory_order_acquire); }

 private:
  std::chrono::sys_seconds now() const;
  void arm(std::size_t i);
  void fetch(std::size_t i);
  void fetched(std::size_t i, FeedJobResult result);
  void publish_in_force();
  void snapshot(std::size_t i);
  std::optional<std::size_t> index_of(std::string_view provider) const;

  // Declared first, destroyed last: the timers, sockets and handlers below refer to it.
  boost::asio::io_context ctx_;
  RefresherOptions options_;
  RatesUpdate on_update_;
  RefreshStats stats_;
  std::unique_ptr<RatesDb> db_;
  FeedFetcher fetcher_;
  std::vector<std::unique_ptr<ProviderRefresh>> providers_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;
  std::vector<bool> in_flight_;
  std::shared_ptr<const RateHistory> published_;
  int in_force_ = RefreshStats::kNone;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  mutable std::mutex snapshot_mutex_;  // guards the two below, copies for other threads
  std::vector<std::shared_ptr<const RateHistory>> histories_;
  std::vector<PlannedFetch> planned_;
  std::atomic<std::uint64_t> fetches_done_{0};
};

}  // namespace conv::converter
