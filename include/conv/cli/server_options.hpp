#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conv/http/server_options.hpp"
#include "conv/log/logger.hpp"

namespace conv::cli {

// The flags every serving role shares: where to listen, threads, identity, log, and every
// setting of http::server_settings() (limits and timeouts), with that table's ranges.
struct ServerFlags {
  http::ServerOptions server;
  std::string access_log = "-";
  std::string name;  // default: the host name
  std::string io_model = "per-thread";
  std::string log_level = "info";
  std::string log_format = "text";
  log::Settings logging;  // what finish() made of log_level and log_format

  // Registers the flags on a subcommand, showing `defaults` (the role's own) in --help.
  // Not to be moved afterwards: the parser keeps pointers into it.
  void add_to(CLI::App& cmd, const http::ServerOptions& defaults);

  // After parsing: fills `server` and the defaults, or says which flag is wrong.
  std::optional<std::string> finish();

  // After finish(): copies into `target` only the settings given on the command line, so
  // that flags override a config file and the file's values stand otherwise.
  void override_given(http::ServerOptions& target, std::string& target_name,
                      std::string& target_access_log, log::Settings& target_logging) const;

 private:
  CLI::App* cmd_ = nullptr;
  // What each setting's flag parsed to, by its index in server_settings(): a count, or
  // seconds (as given; finish() turns them into milliseconds).
  std::vector<std::uint64_t> counts_;
  std::vector<double> seconds_;
  bool given(const char* flag) const { return cmd_ && cmd_->count(flag) > 0; }
  void add_settings(CLI::App& cmd, const http::ServerOptions& defaults);
};

}  // namespace conv::cli
