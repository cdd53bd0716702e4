#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace conv::cli {

// `conv probe URL [--timeout SECONDS]`: one HTTP GET, for container health checks (no curl in
// the image). Exit 0 on a 2xx; 1 on another status or no answer, with one line on stderr; 2
// on bad usage or a URL that is not http://.
class ProbeCommand {
 public:
  explicit ProbeCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  CLI::App* cmd_;
  std::string url_;
  double timeout_ = 5;
};

}  // namespace conv::cli
