#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "conv/cli/server_options.hpp"

namespace conv::cli {

// `conv balancer ...`: upstreams from --upstream flags or a --config file (flags override
// the file); --check validates and exits.
class BalancerCommand {
 public:
  explicit BalancerCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  CLI::App* cmd_;
  ServerFlags flags_;
  std::string config_path_;
  std::vector<std::string> upstreams_;
  bool check_ = false;
};

}  // namespace conv::cli
