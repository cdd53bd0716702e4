#pragma once

#include <boost/json/value.hpp>

#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// Reads the config file's "tls" section (HTTPS for clients) into c.tls; throws ConfigError
// naming the field. The files are only named here: they are checked when the listener's
// contexts are built (at start, --check and reload).
void apply_tls(const boost::json::value& v, BalancerConfig& c);

}  // namespace conv::balancer
