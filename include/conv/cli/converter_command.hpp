#pragma once

#include <CLI/CLI.hpp>

#include "conv/cli/refresh_flags.hpp"
#include "conv/cli/server_options.hpp"
#include "conv/cli/tls_flags.hpp"
#include "conv/converter/role.hpp"

namespace conv::cli {

// `conv converter ...`: the flags of the converter role.
class ConverterCommand {
 public:
  explicit ConverterCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  int check(const converter::ConverterConfig& config) const;
  std::optional<std::string> read_policy(converter::ReadPolicy& policy) const;

  CLI::App* cmd_;
  ServerFlags flags_;
  TlsFlags tls_flags_;
  RefreshFlags refresh_flags_;
  std::string rates_;
  std::string store_;
  std::string provider_ = "ecb";
  bool store_read_only_ = false;
  unsigned stale_after_ = 6 * 3600;
  std::string stale_rates_ = "mark";
  std::string legacy_rates_ = "fixed";
  bool check_ = false;
  bool log_health_checks_ = false;
  std::string cors_origins_ = "*";
  unsigned cache_max_age_ = static_cast<unsigned>(converter::kDefaultMaxAge.count());
  bool strict_params_ = false;
};

}  // namespace conv::cli
