// The balancer config parser (src/balancer/config.cpp) on arbitrary bytes: it either returns
// a config that satisfies the documented ranges or throws ConfigError, never anything else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conv/balancer/config.hpp"

using namespace conv::balancer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // A file without "upstreams" is valid: they may come from --upstream (the command refuses
    // a balancer with none). An "upstreams" key with no entry is refused.
    const BalancerConfig c = parse_config(text);
    for (const auto& u : c.upstreams) {
      if (u.address.port == 0 || u.weight < 1 || u.weight > 100) std::abort();
      if (!parse_host_port(u.address.text())) std::abort();  // prints back parseable
    }
    if (c.tries < 1 || c.server.threads < 1) std::abort();
  } catch (const ConfigError&) {
  }
  // The HOST:PORT parser alone, and its round trip.
  if (const auto hp = parse_host_port(text)) {
    const auto again = parse_host_port(hp->text());
    if (!again || again->host != hp->host || again->port != hp->port) std::abort();
  }
  return 0;
}
