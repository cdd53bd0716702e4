#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "conv/http/server_options.hpp"

namespace conv::cli {

// The flags every serving role shares: where to listen, threads, identity, log, limits.
struct ServerFlags {
  http::ServerOptions server;
  std::string access_log = "-";
  std::string name;  // default: the host name
  std::string io_model = "per-thread";
  double header_timeout = 10;
  double body_timeout = 30;
  double idle_timeout = 60;
  double write_timeout = 30;
  double drain_timeout = 10;

  // Registers the flags on a subcommand; `default_port` is what --port defaults to.
  void add_to(CLI::App& cmd, std::uint16_t default_port);

  // After parsing: fills `server` and the defaults, or says which flag is wrong.
  std::optional<std::string> finish();

  // After finish(): copies into `target` only the settings given on the command line, so
  // that flags override a config file and the file's values stand otherwise.
  void override_given(http::ServerOptions& target, std::string& target_name,
                      std::string& target_access_log) const;

 private:
  CLI::App* cmd_ = nullptr;
  bool given(const char* flag) const { return cmd_ && cmd_->count(flag) > 0; }
};

}  // namespace conv::cli
