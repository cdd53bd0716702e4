#pragma once

// The balancer in-process on loopback, in front of upstreams a test starts: the real
// BalancerHandler on the core's own Server, with health checks off and every upstream's
// address set, so that a test drives the proxy exactly as clients would.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../http/test_client.hpp"
#include "conv/balancer/handler.hpp"
#include "conv/http/server.hpp"

namespace conv::balancer::testing {

class BalancerFixture : public ::testing::Test {
 protected:
  void start(std::vector<std::uint16_t> ports, BalancerConfig c = default_config()) {
    c.server.host = "127.0.0.1";
    c.server.port = 0;
    c.server.threads = 2;
    c.name = "lb";
    c.health.enabled = false;
    c.upstreams.clear();
    for (auto p : ports) {
      UpstreamConfig u;
      u.address = {"127.0.0.1", p};
      c.upstreams.push_back(u);
    }
    config_ = c;
    handler_ = std::make_unique<BalancerHandler>(config_, metrics_, *log_);
    for (auto& u : handler_->upstreams()) {
      u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), u->config().address.port});
    }
    handler_->selector().refresh(Upstream::Clock::now());
    server_ = std::make_unique<http::Server>(config_.server, *handler_, metrics_, *log_,
                                             http::ResponseIdentity{"lb"});
    server_->bind();
    port_ = server_->local_endpoint().port();
    server_->start();
  }

  void TearDown() override {
    if (!server_) return;
    server_->stop();
    server_->wait();
    handler_->close_pools();
    server_.reset();
  }

  // One request on a new connection.
  std::optional<conv::testing::TestResponse> request(const std::string& raw, bool head = false) {
    conv::testing::TestClient c(port_);
    if (!c.send(raw)) return std::nullopt;
    return c.read_response(std::chrono::milliseconds(5000), head);
  }
  std::optional<conv::testing::TestResponse> get(const std::string& target) {
    return request(conv::testing::get_request(target));
  }

  BalancerConfig config_;
  http::Metrics metrics_{"b", BalancerHandler::route_names()};
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("off");
  std::unique_ptr<BalancerHandler> handler_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace conv::balancer::testing
