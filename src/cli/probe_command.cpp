#include "conv/cli/probe_command.hpp"

#include <iostream>

#include "conv/cli/app.hpp"
#include "conv/http/probe.hpp"

namespace conv::cli {

ProbeCommand::ProbeCommand(CLI::App& app)
    : cmd_(app.add_subcommand("probe", "GET an http:// URL; exit 0 on a 2xx (health checks)")) {
  cmd_->add_option("url", url_, "http://HOST[:PORT][/PATH]")->required();
  cmd_->add_option("--timeout", timeout_, "Seconds for the whole exchange")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
}

int ProbeCommand::run() {
  const std::string who = "conv probe";
  const auto url = http::parse_http_url(url_);
  if (!url) return usage_error(who, "'" + url_ + "': expected http://HOST[:PORT][/PATH]");
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_ * 1000.0 + 0.5));
  const http::ProbeResult result = http::probe(*url, timeout);
  if (result.ok()) return 0;
  std::cerr << who << ": " << url_ << ": "
            << (result.status ? "status " + std::to_string(result.status) : result.error) << "\n";
  return 1;
}

}  // namespace conv::cli
