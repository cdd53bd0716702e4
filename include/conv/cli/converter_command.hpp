#pragma once

#include <CLI/CLI.hpp>

#include "conv/cli/server_options.hpp"

namespace conv::cli {

// `conv converter ...`: the flags of the converter role.
class ConverterCommand {
 public:
  explicit ConverterCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  CLI::App* cmd_;
  ServerFlags flags_;
  std::string rates_;
};

}  // namespace conv::cli
