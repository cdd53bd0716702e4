#include "conv/balancer/health/resolver.hpp"

#include <memory>

namespace conv::balancer {

void DnsResolver::resolve(const std::string& host, std::uint16_t port, Done done) {
  namespace net = boost::asio;
  // One resolver per resolution, kept alive by its own handler: a checker stopped meanwhile
  // needs to cancel nothing (its `done` sees that it stopped).
  auto resolver = std::make_shared<net::ip::tcp::resolver>(ctx_);
  resolver->async_resolve(
      host, std::to_string(port),
      [resolver, done = std::move(done)](boost::system::error_code ec,
                                         net::ip::tcp::resolver::results_type results) {
        std::vector<net::ip::tcp::endpoint> addresses;
        for (const auto& r : results) addresses.push_back(r.endpoint());
        done(ec, std::move(addresses));
      });
}

}  // namespace conv::balancer
