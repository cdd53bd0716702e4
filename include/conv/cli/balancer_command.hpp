#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/cli/server_options.hpp"
#include "conv/cli/tls_flags.hpp"

namespace conv::cli {

// `conv balancer ...`: upstreams from --upstream flags or a --config file (flags override
// the file); --check validates and exits (--dump: printing the effective configuration).
class BalancerCommand {
 public:
  explicit BalancerCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  // The configuration: the file (if any), then the flags given. Throws ConfigError.
  balancer::BalancerConfig load() const;
  std::optional<std::string> apply_flags(balancer::BalancerConfig& config) const;
  // --check: loads what a start would (admin token, certificates), prints the warnings, then a
  // summary, or with --dump the effective configuration as a config file (the summary then
  // goes to stderr, so that stdout is a file that loads).
  int check(const balancer::BalancerConfig& config) const;

  CLI::App* cmd_;
  ServerFlags flags_;
  TlsFlags tls_flags_;
  std::string config_path_;
  std::vector<std::string> upstreams_;
  std::string admin_;  // HOST:PORT or "off"; empty: as the config file (default 127.0.0.1:9000)
  std::string admin_token_file_;
  std::string metrics_;  // HOST:PORT or "off"; empty: as the config file (default off)
  bool check_ = false;
  bool dump_ = false;
};

}  // namespace conv::cli
