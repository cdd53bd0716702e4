#include "conv/balancer/health/ticker.hpp"

namespace conv::balancer {

void SteadyTicker::wake_after(std::chrono::milliseconds delay, std::function<void()> wake) {
  timer_.expires_after(delay);  // cancels a wait not yet due: its handler sees an error
  timer_.async_wait([wake = std::move(wake)](boost::system::error_code ec) {
    if (!ec) wake();
  });
}

}  // namespace conv::balancer
