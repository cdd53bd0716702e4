#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "conv/balancer/model/config.hpp"

namespace conv::balancer {

// The effective configuration (defaults, file and flags together) written as a config file:
// every setting the schema (config_schema.hpp) lists, in its order, durations with units
// ("30s", "250ms"); the "tls" section only when TLS is on. parse_config() of it gives the same
// configuration back, so `conv balancer --check --dump > conv.json` is a file that loads.
// `conv balancer --check --dump` prints it, and the admin API serves it (GET /config), as
// `nginx -T` and Envoy's /config_dump do.
boost::json::object dump_config(const BalancerConfig& c);

// dump_config, indented two spaces a level, ending with a newline.
std::string dump_config_text(const BalancerConfig& c);

}  // namespace conv::balancer
