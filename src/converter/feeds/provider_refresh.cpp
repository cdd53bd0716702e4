#include "conv/converter/feeds/provider_refresh.hpp"

#include "conv/converter/feeds/acceptance.hpp"
#include "conv/log/logger.hpp"

namespace conv::converter {

namespace chr = std::chrono;

namespace {

Date day_of(chr::sys_seconds t) {
  return Date::from_days(
      static_cast<std::int32_t>(chr::floor<chr::days>(t).time_since_epoch().count()));
}

}  // namespace

ProviderRefresh::ProviderRefresh(std::shared_ptr<const FeedSource> source, ProviderStats& stats,
                                 RefreshRules rules)
    : source_(std::move(source)), stats_(stats), rules_(std::move(rules)) {}

void ProviderRefresh::load(const RatesDb& db, chr::sys_seconds now) {
  history_ = std::make_shared<const RateHistory>(db.load(source_->name()));
  if (history_->size() == 0) history_ = nullptr;  // no rates: nothing to publish
  stats_.set_latest(latest());
  plan_.emplace(source_->schedule(), rules_.plan, latest(), now);
}

std::optional<Date> ProviderRefresh::latest() const {
  if (!history_ || !history_->latest()) return std::nullopt;
  return history_->latest()->date;
}

std::vector<FeedRequest> ProviderRefresh::requests() const {
  const PlannedFetch& next = plan_->next();
  return next.kind == FetchKind::backfill ? source_->backfill(next.first, next.day)
                                          : source_->latest(next.day);
}

bool ProviderRefresh::apply(FeedJobResult result, RatesDb& db, chr::sys_seconds now) {
  if (result.failure) {
    failed(*result.failure, result.detail, now);
    return false;
  }
  return accept(std::move(result.days), db, now);
}

bool ProviderRefresh::accept(std::vector<PublishedDay> days, RatesDb& db, chr::sys_seconds now) {
  // Tomorrow (UTC) is allowed: a clock a little behind the provider's must not refuse its
  // day. Anything later is a feed or a clock gone wrong.
  const AcceptRules rules{std::string(source_->name()), day_of(now).next(), rules_.max_factor,
                          rules_.refuse_jumps};
  Acceptance a = accept_days(history_.get(), std::move(days), rules);
  for (const auto& note : a.notes) log::warn() << "rates " << source_->name() << ": " << note;
  if (a.failure) {
    failed(*a.failure, a.detail, now);
    return false;
  }
  std::shared_ptr<const RateHistory> merged = history_;
  try {
    if (!a.changed.empty()) {
      merged = merge_history(history_.get(), a.changed);  // before saving: it may refuse them
      db.save(a.changed);
    }
  } catch (const FeedError& e) {
    failed(FetchFailure::malformed, e.what(), now);
    return false;
  } catch (const StoreError& e) {
    failed(FetchFailure::store, e.what(), now);
    return false;
  }
  history_ = std::move(merged);
  stats_.count_success(now);
  stats_.set_latest(latest());
  plan_->succeeded(now, latest());
  if (!a.changed.empty()) {
    log::info() << "rates " << source_->name() << ": " << a.changed.size() << " day(s) up to "
                << a.changed.back().date.text();
  }
  return !a.changed.empty();
}

void ProviderRefresh::failed(FetchFailure why, const std::string& detail, chr::sys_seconds now) {
  stats_.count_failure(why);
  plan_->failed(now);
  log::warn() << "rates " << source_->name() << ": fetch failed (" << to_string(why)
              << "): " << detail << "; keeping the rates in force, next fetch in "
              << chr::duration_cast<chr::seconds>(plan_->next().at - now).count() << " s";
}

}  // namespace conv::converter
