#include "conv/cli/balancer_command.hpp"

#include <iostream>
#include <thread>

#include "conv/balancer/admin/admin_access.hpp"
#include "conv/balancer/model/config.hpp"
#include "conv/balancer/model/config_dump.hpp"
#include "conv/balancer/model/config_warnings.hpp"
#include "conv/balancer/role.hpp"
#include "conv/cli/app.hpp"
#include "conv/http/host_port.hpp"
#include "conv/log/logger.hpp"
#include "conv/tls/termination.hpp"

namespace conv::cli {

BalancerCommand::BalancerCommand(CLI::App& app)
    : cmd_(app.add_subcommand("balancer", "Serve as an HTTP load balancer (round-robin proxy)")) {
  flags_.add_to(*cmd_, balancer::default_config().server);
  cmd_->add_option(
      "--config,-c", config_path_,
      "Config file (JSON, see docs/configuration.md); flags given here override it. SIGHUP and "
      "POST /reload on the admin port re-read it");
  cmd_->add_option("--upstream,-u", upstreams_, "Upstream HOST:PORT (repeat for each)")->take_all();
  cmd_->add_option("--admin", admin_,
                   "Admin API (metrics, status page, runtime control, reload): HOST:PORT or off "
                   "(default 127.0.0.1:9000)");
  cmd_->add_option("--admin-token-file", admin_token_file_,
                   "A file with the bearer token every state-changing admin request must send "
                   "(required for an admin address that is not loopback)");
  cmd_->add_option("--metrics", metrics_,
                   "Read-only listener for scrapers (GET /metrics and /healthz only): HOST:PORT "
                   "or off (default off)");
  cmd_->add_flag("--check", check_,
                 "Validate the configuration (and load its certificates), print a summary, and "
                 "exit");
  cmd_->add_flag("--dump", dump_,
                 "With --check: print the effective configuration (defaults, file and flags) "
                 "as a config file on stdout")
      ->needs("--check");
  tls_flags_.add_to(*cmd_);
}

balancer::BalancerConfig BalancerCommand::load() const {
  balancer::BalancerConfig config = balancer::default_config();
  config.server.threads = std::max(1u, std::thread::hardware_concurrency());
  if (!config_path_.empty()) config = balancer::load_config_file(config_path_, config);
  return config;
}

std::optional<std::string> BalancerCommand::apply_flags(balancer::BalancerConfig& config) const {
  flags_.override_given(config.server, config.name, config.access_log, config.logging);
  if (!upstreams_.empty()) {
    config.upstreams.clear();
    for (const auto& text : upstreams_) {
      auto hp = http::parse_host_port(text);
      if (!hp) return "--upstream '" + text + "': expected HOST:PORT";
      balancer::UpstreamConfig u;
      u.address = *hp;
      config.upstreams.push_back(u);
    }
    if (const auto r = balancer::repeated_upstream(config.upstreams)) {
      return "--upstream '" + upstreams_[r->first] + "' is given twice";
    }
  }
  if (auto error = tls_flags_.apply(config.tls)) return error;
  if (!admin_token_file_.empty()) config.admin_token_file = admin_token_file_;
  if (metrics_ == "off") {
    config.metrics.reset();
  } else if (!metrics_.empty()) {
    auto hp = http::parse_host_port(metrics_, {.allow_port_zero = true});
    if (!hp) return "--metrics '" + metrics_ + "': expected HOST:PORT or off";
    config.metrics = *hp;
  }
  if (!admin_.empty()) config.admin_explicit = true;
  if (admin_ == "off") {
    config.admin.reset();
  } else if (!admin_.empty()) {
    auto hp = http::parse_host_port(admin_, {.allow_port_zero = true});
    if (!hp) return "--admin '" + admin_ + "': expected HOST:PORT or off";
    config.admin = *hp;
  }
  return std::nullopt;
}

int BalancerCommand::check(const balancer::BalancerConfig& config) const {
  const std::string who = "conv balancer";
  try {
    balancer::load_admin_access(config);
    if (config.tls.enabled()) tls::Termination check(config.tls.tls);
  } catch (const balancer::ConfigError& e) {
    std::cerr << who << ": bad config: " << e.what() << "\n";
    return kUsageExit;
  } catch (const tls::TlsError& e) {
    std::cerr << who << ": TLS: " << e.what() << "\n";
    return kUsageExit;
  }
  for (const auto& w : balancer::config_warnings(config)) {
    std::cerr << who << ": warning: " << w << "\n";
  }
  std::ostream& summary = dump_ ? std::cerr : std::cout;
  summary << "configuration ok: listen " << config.server.host << ":" << config.server.port
          << ", admin " << (config.admin ? config.admin->text() : "off") << ", metrics "
          << (config.metrics ? config.metrics->text() : "off") << ", tls "
          << tls_summary(config.tls) << ", " << balancer::to_string(config.policy.kind) << " over "
          << config.upstreams.size() << " upstream(s):";
  for (const auto& u : config.upstreams) {
    summary << " " << u.address.text() << "(weight " << u.weight << (u.tls ? ", tls" : "") << ")";
  }
  summary << "\n";
  if (dump_) std::cout << balancer::dump_config_text(config);
  return 0;
}

int BalancerCommand::run() {
  const std::string who = "conv balancer";
  if (auto error = flags_.finish()) return usage_error(who, *error);
  log::configure(who, flags_.logging);  // until the file's settings are known
  balancer::BalancerConfig config;
  try {
    config = load();
  } catch (const balancer::ConfigError& e) {
    log::error() << "bad config: " << e.what();
    return kUsageExit;
  }
  if (auto error = apply_flags(config)) return usage_error(who, *error);
  log::configure(who, config.logging);
  if (config.upstreams.empty()) {
    return usage_error(who, "no upstreams: give --upstream HOST:PORT or --config FILE");
  }
  if (check_) return check(config);
  balancer::ConfigLoader reload;
  if (!config_path_.empty()) {
    reload = [this] {
      balancer::BalancerConfig c = load();
      if (auto error = apply_flags(c)) throw balancer::ConfigError(*error);
      return c;
    };
  }
  return balancer::run_balancer(config, std::move(reload));
}

}  // namespace conv::cli
