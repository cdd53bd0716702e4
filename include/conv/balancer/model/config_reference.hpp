#pragma once

#include <string>

namespace conv::balancer {

// The Markdown table of every setting of config_keys() (key, flag, values, default, what a
// reload does), with the balancer's defaults, exactly as docs/configuration.md holds it.
std::string config_reference_table();

}  // namespace conv::balancer
