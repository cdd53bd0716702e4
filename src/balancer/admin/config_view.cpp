#include "conv/balancer/admin/config_view.hpp"

#include "conv/balancer/model/config_dump.hpp"

namespace conv::balancer {

void ConfigView::update(const BalancerConfig& config) {
  text_.publish(std::make_shared<const std::string>(dump_config_text(config)));
}

}  // namespace conv::balancer
