#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "conv/tls/client_context.hpp"

namespace conv::cli {

// `conv probe URL [--timeout SECONDS] [--ca FILE | --insecure]`: one HTTP GET, for container
// health checks (no curl in the image), over TLS for an https:// URL. Exit 0 on a 2xx; 1 on
// another status or no answer (a failed TLS handshake included), with one line on stderr; 2
// on bad usage, a URL that is not http:// or https://, or a --ca file that cannot be used.
class ProbeCommand {
 public:
  explicit ProbeCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  CLI::App* cmd_;
  std::string url_;
  double timeout_ = 5;
  tls::ClientSettings tls_;
  bool insecure_ = false;
};

}  // namespace conv::cli
