#pragma once

// The balancer in-process, in front of real upstream servers on loopback, for the proxy
// tests: the core's own Server with a test handler (TestUpstream), or a raw socket upstream
// that records what it receives and answers scripted bytes, or resets (RawUpstream, shared
// with the other tests in tests/support/).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <thread>

#include "../../http/test_client.hpp"
#include "../../support/loopback.hpp"
#include "../../support/raw_upstream.hpp"
#include "conv/balancer/handler.hpp"
#include "conv/http/server.hpp"
#include "conv/http/target.hpp"

namespace conv::balancer::proxytest {

using conv::testing::get_request;
using conv::testing::TestClient;
using namespace std::chrono_literals;

inline std::uint64_t fnv1a(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

// An upstream: answers "<method> <target> <body size> <body hash>"; /headers answers the
// request's header lines; /slow?ms=N answers after N ms; /hold answers when the test calls
// release_held() (or after 10 s); /big?n=N answers N bytes; /status?code=N answers status N
// with a body of its own and a Retry-After header.
class UpstreamHandler : public http::Handler {
 public:
  void handle(const http::RequestHeader& req, std::string_view body, const http::RequestInfo&,
              http::Responder responder) override {
    requests.fetch_add(1);
    const auto t = http::parse_target(req.target());
    http::Response r;
    r.content_type = "text/plain";
    if (t && t->path == "/headers") {
      for (const auto& f : req) {
        r.body += std::string(f.name_string()) + ": " + std::string(f.value()) + "\n";
      }
    } else if (t && t->path == "/status") {
      r.status = static_cast<unsigned>(std::stoul(t->query.at(0).second));
      r.body = "upstream says " + t->query.at(0).second;
      r.headers.emplace_back("Retry-After", "7");
    } else if (t && t->path == "/big") {
      const auto n = std::stoul(t->query.at(0).second);
      r.body.resize(n);
      for (std::size_t i = 0; i < n; ++i) r.body[i] = static_cast<char>('a' + i % 26);
    } else {
      r.body = std::string(req.method_string()) + " " + std::string(req.target()) + " " +
               std::to_string(body.size()) + " " + std::to_string(fnv1a(body));
    }
    if (t && (t->path == "/slow" || t->path == "/hold")) {
      auto timer = std::make_shared<boost::asio::steady_timer>(responder.executor());
      timer->expires_after(t->path == "/hold"
                               ? std::chrono::milliseconds(10'000)
                               : std::chrono::milliseconds(std::stoi(t->query.at(0).second)));
      if (t->path == "/hold") {
        std::lock_guard lock(held_mutex_);
        held_.push_back(timer);
      }
      timer->async_wait([timer, r = std::move(r), responder = std::move(responder)](
                            boost::system::error_code) mutable { responder.send(std::move(r)); });
      return;
    }
    responder.send(std::move(r));
  }

  // Answers every /hold request now (each timer is cancelled on its own executor).
  void release_held() {
    std::lock_guard lock(held_mutex_);
    for (auto& timer : held_) {
      boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
    }
    held_.clear();
  }
  std::atomic<int> requests{0};

 private:
  std::mutex held_mutex_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> held_;
};

struct TestUpstream {
  explicit TestUpstream(std::string name) {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.max_body_bytes = 16 * 1024 * 1024;
    server =
        std::make_unique<http::Server>(o, handler, metrics, *log, http::ResponseIdentity{name});
    server->bind();
    port = server->local_endpoint().port();
    server->start();
  }
  ~TestUpstream() { stop(); }
  void stop() {
    if (!server) return;
    server->stop();
    server->wait();
    server.reset();
  }
  UpstreamHandler handler;
  http::Metrics metrics{"u", {"none"}};
  std::unique_ptr<http::AccessLog> log = http::AccessLog::open("off");
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
};

using conv::testing::closed_port;
using conv::testing::RawBehaviour;
using conv::testing::RawUpstream;

// A loopback port where connecting never completes, for connect timeouts: a listener with a
// backlog of 0 that never accepts, its accept queue filled by one connection; Linux then drops
// further SYNs (the client retransmits them after 1 s, 3 s, ...) rather than refusing them.
class BlackholePort {
 public:
  BlackholePort() {
    port = listener_.port();
    filler_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in a = conv::testing::loopback_address(port);
    ::connect(filler_, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  }
  ~BlackholePort() { ::close(filler_); }
  BlackholePort(const BlackholePort&) = delete;
  BlackholePort& operator=(const BlackholePort&) = delete;

  // Whether a connection attempt really hangs (checked, so that a kernel that refuses
  // instead fails the test rather than letting it pass for another reason).
  bool swallows_connects(std::chrono::milliseconds wait) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const sockaddr_in a = conv::testing::loopback_address(port);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    bool hangs = false;
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      hangs = ::poll(&p, 1, static_cast<int>(wait.count())) == 0;
    }
    ::close(fd);
    return hangs;
  }
  std::uint16_t port = 0;

 private:
  conv::testing::LoopbackListener listener_{0};
  int filler_ = -1;
};

class BalancerTest : public ::testing::Test {
 protected:
  static UpstreamConfig upstream(std::uint16_t port) {
    UpstreamConfig u;
    u.address = {"127.0.0.1", port};
    return u;
  }

  void start(std::vector<std::uint16_t> ports, BalancerConfig c = default_config()) {
    c.upstreams.clear();
    for (auto p : ports) c.upstreams.push_back(upstream(p));
    start_with(std::move(c));
  }

  // A balancer on a free loopback port with c's upstreams (IP addresses, set at once) and
  // settings, without active health checks.
  void start_with(BalancerConfig c) {
    c.server.host = "127.0.0.1";
    c.server.port = 0;
    c.server.threads = 2;
    c.name = "lb";
    c.health.enabled = false;
    config_ = c;
    cluster_ = std::make_unique<UpstreamCluster>(config_);
    handler_ = std::make_unique<BalancerHandler>(config_, *cluster_, metrics_, *log_);
    for (auto& u : cluster_->upstreams()) {
      u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), u->config().address.port});
    }
    cluster_->selector().refresh(Upstream::Clock::now());
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
    cluster_->close_pools();
    server_.reset();
  }

  std::optional<conv::testing::TestResponse> get(const std::string& target) {
    return request(get_request(target));
  }

  // `raw` on a new connection, and its response (of a HEAD if `head`).
  std::optional<conv::testing::TestResponse> request(const std::string& raw, bool head = false) {
    TestClient c(port_);
    if (!c.send(raw)) return std::nullopt;
    return c.read_response(5000ms, head);
  }

  BalancerConfig config_;
  http::Metrics metrics_{"b", BalancerHandler::route_names()};
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("off");
  std::unique_ptr<UpstreamCluster> cluster_;
  std::unique_ptr<BalancerHandler> handler_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace conv::balancer::proxytest
