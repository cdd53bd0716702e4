#include "conv/cli/probe_command.hpp"

#include <iostream>

#include "conv/cli/app.hpp"
#include "conv/http/probe.hpp"

namespace conv::cli {

ProbeCommand::ProbeCommand(CLI::App& app)
    : cmd_(app.add_subcommand("probe",
                              "GET an http:// or https:// URL; exit 0 on a 2xx (health checks)")) {
  cmd_->add_option("url", url_, "http[s]://HOST[:PORT][/PATH]")->required();
  cmd_->add_option("--timeout", timeout_, "Seconds for the whole exchange")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  cmd_->add_option("--ca", tls_.ca_file,
                   "https://: trust the CA certificates in FILE (PEM) instead of the system's");
  cmd_->add_flag("--insecure", insecure_,
                 "https://: do not verify the server's certificate or name");
}

int ProbeCommand::run() {
  const std::string who = "conv probe";
  const auto url = http::parse_http_url(url_);
  if (!url) return usage_error(who, "'" + url_ + "': expected http[s]://HOST[:PORT][/PATH]");
  if (!url->https && (insecure_ || !tls_.ca_file.empty())) {
    return usage_error(who, "--ca and --insecure are for https:// URLs");
  }
  if (insecure_ && !tls_.ca_file.empty()) return usage_error(who, "--ca and --insecure conflict");
  tls_.verify = !insecure_;
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_ * 1000.0 + 0.5));
  http::ProbeResult result;
  try {
    result = http::probe(*url, timeout, tls_);
  } catch (const tls::TlsError& e) {
    return usage_error(who, e.what());
  }
  if (result.ok()) return 0;
  std::cerr << who << ": " << url_ << ": "
            << (result.status ? "status " + std::to_string(result.status) : result.error) << "\n";
  return 1;
}

}  // namespace conv::cli
