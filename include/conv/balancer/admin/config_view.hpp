#pragma once

#include <memory>
#include <string>

#include "conv/balancer/model/config.hpp"
#include "conv/util/published.hpp"

namespace conv::balancer {

// The running configuration as the admin API shows it (GET /config): written as a config file
// (dump_config_text) by the control thread at start and after each reload, read by the admin
// thread.
class ConfigView {
 public:
  void update(const BalancerConfig& config);
  std::shared_ptr<const std::string> text() const { return text_.snapshot(); }

 private:
  util::Published<std::string> text_;
};

}  // namespace conv::balancer
