#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "conv/converter/decimal.hpp"
#include "conv/converter/feeds/feed_job.hpp"
#include "conv/converter/feeds/feed_source.hpp"
#include "conv/converter/feeds/refresh_plan.hpp"
#include "conv/converter/feeds/refresh_stats.hpp"
#include "conv/converter/history.hpp"
#include "conv/converter/rates_db.hpp"

namespace conv::converter {

// How fetched days are judged (acceptance.hpp) and when fetches happen (refresh_plan.hpp).
struct RefreshRules {
  PlanSettings plan = {};
  Decimal max_factor{15, 1};  // a day's move beyond x1.5 or /1.5 is a jump
  bool refuse_jumps = true;   // a jump refuses the fetch (false: a log line only)
};

// One provider's side of the refresher: its plan, the history it holds and its counters. A
// fetch's result goes through apply(): checks, one transaction in the store, then the new
// history. Not thread-safe: it lives on the refresher's thread (after load()). `stats` must
// outlive it.
class ProviderRefresh {
 public:
  ProviderRefresh(std::shared_ptr<const FeedSource> source, ProviderStats& stats,
                  RefreshRules rules);
  ProviderRefresh(const ProviderRefresh&) = delete;
  ProviderRefresh& operator=(const ProviderRefresh&) = delete;

  // The provider's stored days become its history; the plan starts from them.
  void load(const RatesDb& db, std::chrono::sys_seconds now);

  const std::shared_ptr<const FeedSource>& source() const { return source_; }
  const RefreshPlan& plan() const { return *plan_; }
  const std::shared_ptr<const RateHistory>& history() const { return history_; }
  std::optional<Date> latest() const;
  // The GETs of the planned fetch.
  std::vector<FeedRequest> requests() const;

  // A fetch ended: counted, and, if its days pass the checks and are saved, they join the
  // history. True if the history changed. The plan moves on either way.
  bool apply(FeedJobResult result, RatesDb& db, std::chrono::sys_seconds now);

 private:
  bool accept(std::vector<PublishedDay> days, RatesDb& db, std::chrono::sys_seconds now);
  void failed(FetchFailure why, const std::string& detail, std::chrono::sys_seconds now);

  std::shared_ptr<const FeedSource> source_;
  ProviderStats& stats_;
  RefreshRules rules_;
  std::optional<RefreshPlan> plan_;  // from load()
  std::shared_ptr<const RateHistory> history_;
};

}  // namespace conv::converter
