#include "conv/cli/refresh_flags.hpp"

#include <algorithm>
#include <cmath>

#include "conv/util/duration.hpp"
#include "conv/util/split_list.hpp"

namespace conv::cli {

namespace {

constexpr double kMaxFallbackAfter = 365.0 * 86400;

bool known_provider(std::string_view name) {
  const auto names = converter::feed_source_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string known_list() {
  std::string out;
  for (auto n : converter::feed_source_names()) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

void RefreshFlags::add_to(CLI::App& cmd) {
  cmd_ = &cmd;
  cmd.add_option("--refresh", refresh_,
                 "Fetch rates live from these providers, highest priority first (ecb, bcb_ptax, "
                 "file; comma-separated), saving them into --store; SIGHUP fetches now");
  cmd.add_option("--feed-url", feed_urls_,
                 "NAME=URL: fetch provider NAME (one of --refresh) from URL instead of its own "
                 "address; repeatable");
  cmd.add_option("--feed-file", feed_file_,
                 "With file in --refresh: the rates file (JSON, as --rates) the file provider "
                 "reads, at start, every 5 minutes and on SIGHUP");
  cmd.add_option("--feed-ca", feed_ca_,
                 "CA bundle (PEM) to verify the feeds' TLS with; default: the system's CAs")
      ->check(CLI::ExistingFile);
  cmd.add_option("--fallback-after", fallback_after_,
                 "With --refresh: how long a provider's rates may be overdue before the next "
                 "provider's are served (seconds, or a duration such as 24h, 90m)")
      ->capture_default_str();
  cmd.add_option("--max-jump", max_jump_,
                 "With --refresh: a day's move of a rate beyond this factor (up or down) since "
                 "the previous day is a jump, logged")
      ->capture_default_str();
  cmd.add_option("--on-jump", on_jump_,
                 "With --refresh: refuse a fetch with a jump (the last good rates stay) or only "
                 "log it")
      ->check(CLI::IsMember({"refuse", "log"}))
      ->capture_default_str();
}

std::optional<std::string> RefreshFlags::apply(const converter::RatesSource& rates,
                                               converter::LiveRatesConfig& out) const {
  out = {};
  if (!given("--refresh")) {
    for (const char* flag : {"--feed-url", "--feed-file", "--feed-ca", "--fallback-after",
                             "--max-jump", "--on-jump"}) {
      if (given(flag)) return std::string(flag) + ": only with --refresh";
    }
    return std::nullopt;
  }
  if (!rates.rates_path.empty()) return "--refresh: cannot be used with --rates";
  if (rates.store_path.empty()) return "--refresh: needs --store FILE (where the rates are saved)";
  if (rates.store_read_only) return "--refresh: cannot save into a --store-read-only store";
  if (given("--provider")) {
    return "--refresh: cannot be used with --provider (the refresher chooses the provider in "
           "force)";
  }
  if (auto error = read_providers(out)) return error;
  if (auto error = read_file_provider(out)) return error;
  if (auto error = read_feed_urls(out)) return error;
  if (auto error = read_jumps(out)) return error;
  const auto seconds = util::seconds_or_duration(fallback_after_);
  if (!seconds || *seconds > kMaxFallbackAfter) {
    return "--fallback-after '" + fallback_after_ +
           "': expected seconds or a duration such as 24h, at most 365 days";
  }
  out.fallback_after = std::chrono::seconds(std::llround(*seconds));
  out.feed_ca = feed_ca_;
  return std::nullopt;
}

// --refresh ecb,bcb_ptax: known names, each once, in priority order.
std::optional<std::string> RefreshFlags::read_providers(converter::LiveRatesConfig& out) const {
  for (const std::string_view item : util::split_list(refresh_)) {
    const std::string name(item);
    if (!known_provider(name)) {
      return "--refresh '" + name + "': unknown provider (expected " + known_list() + ")";
    }
    for (const auto& p : out.providers) {
      if (p.name == name) return "--refresh: '" + name + "' is given twice";
    }
    out.providers.push_back({name, ""});
  }
  return std::nullopt;
}

// --feed-url NAME=URL: NAME one of --refresh's, once; the URL checked by make_feed_source.
std::optional<std::string> RefreshFlags::read_feed_urls(converter::LiveRatesConfig& out) const {
  for (const auto& flag : feed_urls_) {
    const auto eq = flag.find('=');
    const std::string name = flag.substr(0, eq);
    const auto it = std::find_if(out.providers.begin(), out.providers.end(),
                                 [&](const auto& p) { return p.name == name; });
    if (eq == std::string::npos || it == out.providers.end()) {
      return "--feed-url '" + flag + "': expected NAME=URL with NAME one of --refresh's (" +
             out.names() + ")";
    }
    if (!it->base_url.empty()) return "--feed-url: '" + name + "' is given twice";
    it->base_url = flag.substr(eq + 1);
    if (it->base_url.empty()) return "--feed-url '" + flag + "': the URL is empty";
    try {
      converter::make_feed_source(*it);
    } catch (const std::invalid_argument& e) {
      return "--feed-url '" + flag + "': " + e.what();
    }
  }
  return std::nullopt;
}

// --feed-file PATH: given if and only if `file` is one of --refresh's providers. The file
// itself is not read here: a missing one is a failed fetch at run time (--check reads it).
std::optional<std::string> RefreshFlags::read_file_provider(converter::LiveRatesConfig& out) const {
  const auto it = std::find_if(out.providers.begin(), out.providers.end(),
                               [](const auto& p) { return p.name == "file"; });
  if (it == out.providers.end()) {
    if (given("--feed-file")) return "--feed-file: only with file in --refresh";
    return std::nullopt;
  }
  if (feed_file_.empty()) return "--refresh: the file provider needs --feed-file PATH";
  it->path = feed_file_;
  return std::nullopt;
}

// --max-jump FACTOR: a decimal above 1 (1.5: beyond x1.5 or /1.5), at most 1000;
// --on-jump refuse|log (CLI11 has checked the word).
std::optional<std::string> RefreshFlags::read_jumps(converter::LiveRatesConfig& out) const {
  const auto factor = converter::Decimal::parse(max_jump_, 16);
  if (!factor || *factor <= converter::Decimal(1, 0) || *factor > converter::Decimal(1000, 0)) {
    return "--max-jump '" + max_jump_ + "': expected a factor above 1 and at most 1000, e.g. 1.5";
  }
  out.max_jump = *factor;
  out.refuse_jumps = on_jump_ == "refuse";
  return std::nullopt;
}

}  // namespace conv::cli
