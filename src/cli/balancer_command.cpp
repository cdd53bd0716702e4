#include "conv/cli/balancer_command.hpp"

#include <iostream>
#include <thread>

#include "conv/balancer/config.hpp"
#include "conv/balancer/role.hpp"
#include "conv/cli/app.hpp"

namespace conv::cli {

BalancerCommand::BalancerCommand(CLI::App& app)
    : cmd_(app.add_subcommand("balancer", "Serve as an HTTP load balancer (round-robin proxy)")) {
  flags_.add_to(*cmd_, 5000);
  cmd_->add_option("--config,-c", config_path_,
                   "Config file (JSON, see README); flags given here override it");
  cmd_->add_option("--upstream,-u", upstreams_, "Upstream HOST:PORT (repeat for each)")->take_all();
  cmd_->add_flag("--check", check_, "Validate the configuration, print a summary, and exit");
}

int BalancerCommand::run() {
  const std::string who = "conv balancer";
  if (auto error = flags_.finish()) return usage_error(who, *error);
  balancer::BalancerConfig config = balancer::default_config();
  config.server.threads = std::max(1u, std::thread::hardware_concurrency());
  if (!config_path_.empty()) {
    try {
      config = balancer::load_config_file(config_path_, config);
    } catch (const balancer::ConfigError& e) {
      std::cerr << who << ": bad config: " << e.what() << "\n";
      return kUsageExit;
    }
  }
  flags_.override_given(config.server, config.name, config.access_log);
  if (!upstreams_.empty()) {
    config.upstreams.clear();
    for (std::size_t i = 0; i < upstreams_.size(); ++i) {
      auto hp = balancer::parse_host_port(upstreams_[i]);
      if (!hp) {
        return usage_error(who, "--upstream '" + upstreams_[i] + "': expected HOST:PORT");
      }
      balancer::UpstreamConfig u;
      u.address = *hp;
      config.upstreams.push_back(u);
    }
  }
  if (config.upstreams.empty()) {
    return usage_error(who, "no upstreams: give --upstream HOST:PORT or --config FILE");
  }
  if (check_) {
    std::cout << "configuration ok: listen " << config.server.host << ":" << config.server.port
              << ", " << config.upstreams.size() << " upstream(s):";
    for (const auto& u : config.upstreams) {
      std::cout << " " << u.address.text() << "(weight " << u.weight << ")";
    }
    std::cout << "\n";
    return 0;
  }
  return balancer::run_balancer(config);
}

}  // namespace conv::cli
