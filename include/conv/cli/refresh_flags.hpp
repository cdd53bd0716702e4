#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conv/converter/live_rates.hpp"
#include "conv/converter/rate_store.hpp"

namespace conv::cli {

// The converter's live-feed flags: --refresh LIST, --feed-url NAME=URL (repeatable),
// --feed-file PATH (the `file` provider's rates file), --feed-ca FILE, --fallback-after
// DURATION, --max-jump FACTOR, --on-jump refuse|log.
class RefreshFlags {
 public:
  void add_to(CLI::App& cmd);
  // After parsing: the live feeds the flags ask for, checked against the rates source the other
  // flags give (--refresh needs --store, and neither --rates, --provider nor
  // --store-read-only); returns what is wrong, if anything.
  std::optional<std::string> apply(const converter::RatesSource& rates,
                                   converter::LiveRatesConfig& out) const;

 private:
  bool given(const char* flag) const { return cmd_ && cmd_->count(flag) > 0; }
  std::optional<std::string> read_providers(converter::LiveRatesConfig& out) const;
  std::optional<std::string> read_feed_urls(converter::LiveRatesConfig& out) const;
  std::optional<std::string> read_file_provider(converter::LiveRatesConfig& out) const;
  std::optional<std::string> read_jumps(converter::LiveRatesConfig& out) const;

  CLI::App* cmd_ = nullptr;
  std::string refresh_;
  std::vector<std::string> feed_urls_;
  std::string feed_file_;
  std::string feed_ca_;
  std::string fallback_after_ = "24h";
  std::string max_jump_ = "1.5";
  std::string on_jump_ = "refuse";
};

}  // namespace conv::cli
