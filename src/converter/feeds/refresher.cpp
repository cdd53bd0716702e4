#include "conv/converter/feeds/refresher.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "conv/converter/feeds/freshness.hpp"
#include "conv/log/logger.hpp"

namespace conv::converter {

namespace chr = std::chrono;
namespace net = boost::asio;

Refresher::Refresher(RefresherOptions options, RatesUpdate on_update)
    : options_(std::move(options)),
      on_update_(std::move(on_update)),
      fetcher_(ctx_, options_.fetch) {
  for (const auto& source : options_.providers) {
    auto& stats = stats_.add(std::string(source->name()), source->schedule());
    providers_.push_back(std::make_unique<ProviderRefresh>(source, stats, options_.rules));
    timers_.push_back(std::make_unique<net::steady_timer>(ctx_));
  }
  in_flight_.assign(providers_.size(), false);
  histories_.resize(providers_.size());
  planned_.resize(providers_.size());
}

Refresher::~Refresher() {
  stop();
}

chr::sys_seconds Refresher::now() const {
  if (options_.clock) return options_.clock();
  return chr::floor<chr::seconds>(chr::system_clock::now());
}

void Refresher::start() {
  db_ = std::make_unique<RatesDb>(options_.store);
  for (std::size_t i = 0; i < providers_.size(); ++i) {
    providers_[i]->load(*db_, now());
    snapshot(i);
  }
  publish_in_force();
  for (std::size_t i = 0; i < providers_.size(); ++i) arm(i);
  work_.emplace(ctx_.get_executor());
  thread_ = std::thread([this] { ctx_.run(); });
}

void Refresher::stop() {
  if (!thread_.joinable()) return;
  // Abandons what is in flight: a fetch may wait for its whole deadline, and shutting down
  // must not. The handlers left are destroyed with ctx_, never run.
  work_.reset();
  ctx_.stop();
  thread_.join();
}

void Refresher::refresh_now() {
  net::post(ctx_, [this] {
    for (std::size_t i = 0; i < providers_.size(); ++i) {
      if (in_flight_[i]) continue;
      timers_[i]->cancel();
      fetch(i);
    }
  });
}

void Refresher::arm(std::size_t i) {
  const chr::sys_seconds at = providers_[i]->plan().next().at;
  const auto wait =
      std::clamp<chr::milliseconds>(at - now(), chr::milliseconds(0), options_.max_sleep);
  timers_[i]->expires_after(wait);
  timers_[i]->async_wait([this, i, at](boost::system::error_code ec) {
    if (ec || in_flight_[i]) return;  // cancelled: refresh_now() fetches instead
    if (now() < at) return arm(i);
    fetch(i);
  });
}

void Refresher::fetch(std::size_t i) {
  in_flight_[i] = true;
  run_feed_job(fetcher_, providers_[i]->source(), providers_[i]->requests(),
               [this, i](FeedJobResult r) { fetched(i, std::move(r)); });
}

void Refresher::fetched(std::size_t i, FeedJobResult result) {
  in_flight_[i] = false;
  providers_[i]->apply(std::move(result), *db_, now());
  snapshot(i);
  publish_in_force();
  arm(i);
  fetches_done_.fetch_add(1, std::memory_order_release);
}

void Refresher::publish_in_force() {
  std::vector<ProviderFreshness> freshness;
  for (const auto& p : providers_) freshness.push_back({p->source()->schedule(), p->latest()});
  const auto chosen = choose_in_force(freshness, now(), options_.fallback_after);
  if (!chosen) return;
  const int index = static_cast<int>(*chosen);
  const auto& history = providers_[*chosen]->history();
  if (index == in_force_ && history == published_) return;
  if (index != in_force_) {
    log::info() << "rates: in force from " << providers_[*chosen]->source()->name();
  }
  in_force_ = index;
  published_ = history;
  stats_.set_in_force(index);
  if (on_update_) on_update_(published_);
}

void Refresher::snapshot(std::size_t i) {
  std::lock_guard lock(snapshot_mutex_);
  histories_[i] = providers_[i]->history();
  planned_[i] = providers_[i]->plan().next();
}

std::optional<std::size_t> Refresher::index_of(std::string_view provider) const {
  for (std::size_t i = 0; i < providers_.size(); ++i) {
    if (providers_[i]->source()->name() == provider) return i;
  }
  return std::nullopt;
}

std::shared_ptr<const RateHistory> Refresher::history(std::string_view provider) const {
  const auto i = index_of(provider);
  if (!i) return nullptr;
  std::lock_guard lock(snapshot_mutex_);
  return histories_[*i];
}

std::optional<PlannedFetch> Refresher::planned(std::string_view provider) const {
  const auto i = index_of(provider);
  if (!i) return std::nullopt;
  std::lock_guard lock(snapshot_mutex_);
  return planned_[*i];
}

}  // namespace conv::converter
