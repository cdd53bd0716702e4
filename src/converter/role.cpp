#include "conv/converter/role.hpp"

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <system_error>

#include "conv/converter/handler.hpp"
#include "conv/converter/live_rates.hpp"
#include "conv/converter/rate_store.hpp"
#include "conv/http/runner.hpp"
#include "conv/http/server.hpp"
#include "conv/http/tls_edge.hpp"
#include "conv/log/logger.hpp"

namespace conv::converter {

namespace {

// A second after the rates in force are replaced (a reload, a live publish) the replaced ones
// are released (readers move to the new ones on their next request): their pages go back to
// the system then, so that RSS stays that of one history between changes instead of keeping
// the freed one's heap. Changes within that second share one trim.
class TrimAfterSwap {
 public:
  explicit TrimAfterSwap(boost::asio::io_context& control) : timer_(control) {}

  // Any thread: the timer is only touched on `control`'s.
  void later() {
    boost::asio::post(timer_.get_executor(), [this] {
      timer_.expires_after(std::chrono::seconds(1));
      timer_.async_wait([](boost::system::error_code ec) {
        if (!ec) ::malloc_trim(0);
      });
    });
  }

 private:
  boost::asio::steady_timer timer_;
};

// The rates at start: a file's or a store's, loaded now; or, with live feeds, the days the
// store holds (published before this returns, none in a new store) and then what is fetched.
// False (logged) if they cannot be had.
bool start_rates(const ConverterConfig& config, RateStore& store, std::unique_ptr<LiveRates>& live,
                 TrimAfterSwap& trim) {
  try {
    if (!config.live.enabled()) {
      store.load();
      return true;
    }
    live = std::make_unique<LiveRates>(refresher_options(config.live, config.rates.store_path),
                                       store, [&trim] { trim.later(); });
    live->start();
    return true;
  } catch (const RatesError& e) {
    log::error() << "bad rates: " << e.what();
  } catch (const StoreError& e) {
    log::error() << "bad rates store: " << e.what();
  } catch (const FeedError& e) {
    log::error() << "bad rates store: " << e.what();
  } catch (const std::invalid_argument& e) {
    log::error() << "bad live feeds: " << e.what();
  }
  return false;
}

// What the start line says of the rates: where from, and as of when.
std::string rates_line(const ConverterConfig& config, const RateStore& store) {
  const auto catalog = store.snapshot();
  const std::string as_of = catalog ? " as of " + catalog->latest().as_of : " (none yet)";
  if (!config.live.enabled()) return config.rates.describe() + as_of;
  return "live from " + config.live.names() + " into " + config.rates.store_path + as_of;
}

// Following rates whose latest day lacks BRL, USD or EUR (a PTAX store of USD alone), the
// original route answers 503 rates_unavailable: said once at start rather than found by clients.
void warn_unfollowable(const ConverterConfig& config, const RateStore& store) {
  const auto catalog = store.snapshot();
  if (config.legacy_rates != LegacyRates::follow || !catalog || catalog->followed_legacy()) return;
  log::warn() << "--legacy-rates follow: the rates as of " << catalog->latest().as_of
              << " do not quote BRL, USD and EUR; the original route answers 503 "
                 "rates_unavailable until they do";
}

}  // namespace

int run_converter(const ConverterConfig& config) {
  RateStore store(config.rates);
  boost::asio::io_context control;
  TrimAfterSwap trim(control);
  // Destroyed before `store`, which its thread publishes to, and `trim`, which it calls.
  std::unique_ptr<LiveRates> live;
  if (!start_rates(config, store, live, trim)) return 2;
  warn_unfollowable(config, store);

  const auto access = http::open_access_log(config.access_log, config.logging.format);
  if (!access) return 2;

  http::Metrics metrics("conv_http", ConverterHandler::route_names());
  ConverterHandler handler(store, metrics, *access);
  handler.set_log_health_checks(config.log_health_checks);
  handler.set_read_policy(config.read);
  handler.set_stale_policy(config.stale);
  handler.set_legacy_rates(config.legacy_rates);
  if (live) handler.set_refresh_stats(&live->stats());
  http::Server server(config.server, handler, metrics, *access, {config.name});
  std::unique_ptr<http::TlsEdge> edge;
  if (config.tls.enabled()) {
    try {
      edge = std::make_unique<http::TlsEdge>(config.tls, config.server, *access,
                                             http::ResponseIdentity{config.name});
    } catch (const tls::TlsError& e) {
      log::error() << "TLS: " << e.what();
      return 2;
    }
    edge->attach(server);
    handler.set_tls(&edge->termination());
  }
  if (!http::bind_server(server)) return 1;
  if (edge && !edge->bind()) return 1;

  log::info() << http::listening_line(server) << " (name " << config.name << ", "
              << config.server.threads << " thread(s), rates " << rates_line(config, store) << ")";
  if (edge) {
    log::info() << edge->describe(server);
    edge->start();
  }

  http::SignalHooks hooks;
  hooks.reload = [&] {
    if (edge) http::reload_certificates(edge->termination(), config.tls.tls, "SIGHUP");
    if (live) {
      live->refresh_now();  // the refresher's thread fetches; this one does not wait
      log::info() << "SIGHUP: fetching " << config.live.names() << " now";
    } else if (auto error = store.reload()) {
      handler.count_reload(false);
      log::error() << "SIGHUP: rates not reloaded, keeping those as of "
                   << store.snapshot()->latest().as_of << ": " << *error;
    } else {
      handler.count_reload(true);
      log::info() << "SIGHUP: rates reloaded, as of " << store.snapshot()->latest().as_of;
      trim.later();
    }
  };
  hooks.reopen_logs = [&] { access->reopen(); };
  hooks.draining = [&] { handler.set_draining(); };
  const int rc = http::run_until_stopped(server, control, config.server.drain_timeout, hooks);
  if (edge) edge->stop();
  access->flush();
  return rc;
}

}  // namespace conv::converter
