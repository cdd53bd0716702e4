#include "conv/cli/converter_command.hpp"

#include <filesystem>
#include <iostream>

#include "conv/cli/app.hpp"
#include "conv/converter/feeds/feed_file.hpp"
#include "conv/converter/rate_store.hpp"
#include "conv/converter/rates_db.hpp"
#include "conv/converter/role.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/termination.hpp"
#include "conv/util/split_list.hpp"

namespace conv::cli {

ConverterCommand::ConverterCommand(CLI::App& app)
    : cmd_(app.add_subcommand("converter", "Serve the currency-conversion API")) {
  flags_.add_to(*cmd_, http::ServerOptions{});
  auto* rates = cmd_->add_option(
      "--rates", rates_,
      "Rates file (JSON, see docs/api.md); default: the original's 5.10 BRL/USD and "
      "5.60 BRL/EUR. SIGHUP reloads it");
  cmd_->add_option("--store", store_,
                   "Serve a provider's whole history from this rates store (SQLite, filled by "
                   "conv rates import, or by --refresh); SIGHUP reloads it")
      ->excludes(rates);
  cmd_->add_option("--stale-after", stale_after_,
                   "Seconds after a provider's next day was due that its latest rates are stale")
      ->check(CLI::Range(0, 31'536'000))
      ->capture_default_str();
  cmd_->add_option("--stale-rates", stale_rates_,
                   "What answers do with stale rates: mark (\"stale\": true) or refuse (503 "
                   "rates_stale)")
      ->check(CLI::IsMember({"mark", "refuse"}))
      ->capture_default_str();
  cmd_->add_option("--legacy-rates", legacy_rates_,
                   "What the original route divides by: fixed (5.10 and 5.60, or a BRL-based "
                   "rates file's own) or follow (BRL per USD and EUR of the latest rates in force)")
      ->check(CLI::IsMember({"fixed", "follow"}))
      ->capture_default_str();
  cmd_->add_flag("--store-read-only", store_read_only_,
                 "Open the --store file read-only and immutable: a file prepared elsewhere and "
                 "shared (a read-only volume); nothing may write it meanwhile");
  cmd_->add_option("--provider", provider_, "With --store: whose rates, ecb or bcb_ptax")
      ->check(CLI::IsMember({"ecb", "bcb_ptax"}))
      ->capture_default_str();
  refresh_flags_.add_to(*cmd_);
  tls_flags_.add_to(*cmd_);
  cmd_->add_flag("--log-health-checks", log_health_checks_,
                 "Also write access log lines for GET /healthz and /readyz (the paths health "
                 "checkers poll); off by default");
  cmd_->add_option("--cors-origins", cors_origins_,
                   "Origins whose web pages may read /v1 (CORS): \"*\" (any), a comma-separated "
                   "list of exact origins such as https://app.example, or off")
      ->capture_default_str();
  cmd_->add_option("--cache-max-age", cache_max_age_,
                   "Seconds browsers and caches may keep a /v1 answer (Cache-Control max-age)")
      ->check(CLI::Range(0, 31'536'000))
      ->capture_default_str();
  cmd_->add_flag("--strict-params", strict_params_,
                 "Refuse unknown query parameters on /v1 (400) instead of ignoring them");
  cmd_->add_flag("--check", check_,
                 "Check the flags, the rates file and the TLS files, print what would be served, "
                 "and exit (0, or 2 with the first error)");
}

int ConverterCommand::run() {
  const std::string who = "conv converter";
  if (auto error = flags_.finish()) return usage_error(who, *error);
  converter::ConverterConfig config;
  if (auto error = tls_flags_.apply(config.tls)) return usage_error(who, *error);
  config.server = flags_.server;
  config.rates = {rates_, store_, provider_, store_read_only_};
  if (auto error = refresh_flags_.apply(config.rates, config.live)) return usage_error(who, *error);
  config.stale = {std::chrono::seconds(stale_after_), stale_rates_ == "refuse"};
  config.legacy_rates =
      legacy_rates_ == "follow" ? converter::LegacyRates::follow : converter::LegacyRates::fixed;
  config.name = flags_.name;
  config.access_log = flags_.access_log;
  config.logging = flags_.logging;
  config.log_health_checks = log_health_checks_;
  if (auto error = read_policy(config.read)) return usage_error(who, *error);
  log::configure(who, config.logging);
  if (check_) return check(config);
  return converter::run_converter(config);
}

// --cors-origins, --cache-max-age and --strict-params; an error names the bad origin.
std::optional<std::string> ConverterCommand::read_policy(converter::ReadPolicy& policy) const {
  policy.cors_origins.clear();
  if (cors_origins_ != "off") {
    std::string_view list = cors_origins_;
    if (list.ends_with(',')) list.remove_suffix(1);  // a final comma ends the list
    for (const std::string_view origin : util::split_list(list)) {
      if (origin != "*" && !converter::valid_origin(origin)) {
        return "--cors-origins '" + std::string(origin) +
               "': expected *, off, or origins such as https://app.example";
      }
      policy.cors_origins.emplace_back(origin);
    }
  }
  policy.set_max_age(std::chrono::seconds(cache_max_age_));
  policy.strict_params = strict_params_;
  return std::nullopt;
}

namespace {

// The rates a file or a store gives, loaded as at start (but a store only read).
std::string rates_summary(const converter::ConverterConfig& config) {
  const std::string& path = config.rates.store_path;
  std::error_code ec;
  if (!path.empty() && !std::filesystem::exists(path, ec)) {
    throw converter::RatesError(
        path + ": no such file (conv rates import FILE makes one, with a provider's history)");
  }
  converter::RateStore store(config.rates);
  store.inspect();
  const converter::RateTable& rates = store.current();
  std::string legacy;
  if (config.legacy_rates == converter::LegacyRates::follow) {
    legacy = store.catalog().followed_legacy()
                 ? "; the original route follows them"
                 : "; the original route cannot follow them (no BRL, USD or EUR): 503";
  }
  return config.rates.describe() + " (base " + rates.base + ", as of " + rates.as_of + ", " +
         std::to_string(rates.quotes.size() - 1) + " quote(s), " +
         std::to_string(store.catalog().size()) + " day(s))" + legacy;
}

// With file in --refresh: its file, read and checked as each fetch will read it (a bad one is a
// failed fetch every time: said now). Throws RatesError, naming the file.
std::string file_summary(const std::string& path) {
  const auto read = converter::read_feed_file(path, converter::FetchSettings{}.max_file);
  if (!read.ok()) throw converter::RatesError(path + ": " + read.detail);
  try {
    const auto day = converter::parse_rates_day(read.body);
    return ", file: " + path + " (base " + day.base + ", as of " + day.date.text() + ", " +
           std::to_string(day.rates.size()) + " quote(s))";
  } catch (const converter::RatesError& e) {
    throw converter::RatesError(path + ": " + e.what());
  }
}

// With --refresh: the store the refresher would open, only read (a missing one is created at
// start, not now), and the days it holds of each provider.
std::string live_summary(const converter::ConverterConfig& config) {
  const std::string& path = config.rates.store_path;
  std::string days;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    const converter::RatesDb db(path, converter::RatesDb::Mode::inspect);
    for (const auto& p : config.live.providers) {
      const auto stored = db.load(p.name);
      days += ", " + p.name + ": " + std::to_string(stored.size()) + " day(s)" +
              (stored.empty() ? "" : " to " + stored.back().date.text());
    }
  } else {
    days = ", a new store (created at start)";
  }
  for (const auto& p : config.live.providers) {
    if (p.name == "file") days += file_summary(p.path);
  }
  return "live from " + config.live.names() + " into " + path + " (fallback after " +
         std::to_string(config.live.fallback_after.count()) + " s" + days + ")";
}

}  // namespace

// --check: loads what the converter would load at start, without listening.
int ConverterCommand::check(const converter::ConverterConfig& config) const {
  const std::string who = "conv converter";
  try {
    const std::string rates = config.live.enabled() ? live_summary(config) : rates_summary(config);
    if (config.tls.enabled()) tls::Termination check(config.tls.tls);
    std::cout << "configuration ok: listen " << config.server.host << ":" << config.server.port
              << ", tls " << tls_summary(config.tls) << ", rates " << rates << "\n";
    return 0;
  } catch (const converter::RatesError& e) {
    std::cerr << who << ": bad rates: " << e.what() << "\n";
  } catch (const converter::StoreError& e) {
    std::cerr << who << ": bad rates store: " << e.what() << "\n";
  } catch (const tls::TlsError& e) {
    std::cerr << who << ": TLS: " << e.what() << "\n";
  }
  return kUsageExit;
}

}  // namespace conv::cli
