// Upgrades through the real proxy (Tunnel): the 101 reaches the client and the bytes flow both
// ways after it, each side's close reaches the other, an idle tunnel closes, and an upgrade
// the upstream refuses is an ordinary response.
#include <gtest/gtest.h>

#include "proxy_fixture.hpp"
#include "scripted_upstream.hpp"

namespace conv::balancer {
namespace {

using conv::testing::ScriptedUpstream;
using conv::testing::TestClient;
using namespace std::chrono_literals;

// An upstream of raw sockets. Each connection's request heads get `answer`; after a 101 it
// echoes what it receives, but "quit", which it answers with "bye" and a half-close, and it
// keeps what it receives after that until the balancer's EOF.
class UpgradeUpstream {
 public:
  explicit UpgradeUpstream(std::string answer) : answer_(std::move(answer)) {
    port = listener_.port();
    acceptor_ = std::thread([this] {
      while (!stop_) {
        const int c = ::accept(listener_.fd(), nullptr, nullptr);
        if (c < 0) return;
        connections.fetch_add(1);
        std::lock_guard l(m_);
        handlers_.emplace_back([this, c] { serve(c); });
      }
    });
  }
  ~UpgradeUpstream() {
    stop_ = true;
    listener_.wake_acceptor();
    acceptor_.join();
    for (auto& t : handlers_) t.join();
  }
  UpgradeUpstream(const UpgradeUpstream&) = delete;
  UpgradeUpstream& operator=(const UpgradeUpstream&) = delete;

  std::string first_head() {
    std::lock_guard l(m_);
    return head_;
  }
  std::string after_quit() {
    std::lock_guard l(m_);
    return after_quit_;
  }

  std::uint16_t port = 0;
  std::atomic<int> connections{0};
  std::atomic<int> eofs{0};  // tunnels the balancer ended with an EOF

 private:
  // What arrives next (a poll at a time, so that the destructor is not held up); empty at
  // EOF, an error or stop.
  std::string receive(int c) {
    char buf[16384];
    while (!stop_) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) == 0) continue;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    return {};
  }

  void serve(int c) {
    std::string pending;
    while (true) {
      while (pending.find("\r\n\r\n") == std::string::npos) {
        std::string got = receive(c);
        if (got.empty()) return finish(c, false);
        pending += got;
      }
      const auto end = pending.find("\r\n\r\n") + 4;
      {
        std::lock_guard l(m_);
        if (head_.empty()) head_ = pending.substr(0, end);
      }
      pending.erase(0, end);
      ::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      if (answer_.starts_with("HTTP/1.1 101")) return echo(c, std::move(pending));
    }
  }

  void echo(int c, std::string data) {
    bool quit = false;
    while (true) {
      if (quit) {
        std::lock_guard l(m_);
        after_quit_ += data;
      } else if (data.find("quit") != std::string::npos) {
        quit = true;
        ::send(c, "bye", 3, MSG_NOSIGNAL);
        ::shutdown(c, SHUT_WR);
      } else {
        ::send(c, data.data(), data.size(), MSG_NOSIGNAL);
      }
      data = receive(c);
      if (data.empty()) return finish(c, !stop_);
    }
  }

  void finish(int c, bool eof) {
    if (eof) eofs.fetch_add(1);
    ::close(c);
  }

  std::string answer_;
  conv::testing::LoopbackListener listener_{16};
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex m_;
  std::list<std::thread> handlers_;
  std::string head_;
  std::string after_quit_;
};

constexpr const char* kSwitch =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nhello";

std::string upgrade_request(std::string_view extra = {}) {
  return "GET /ws HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
         std::string(extra) + "\r\n";
}

class TunnelTest : public proxytest::BalancerTest {
 protected:
  // Connects, asks for the upgrade, and expects the 101 (the upstream's first bytes after it
  // in c.pending()).
  void open(TestClient& c, std::string_view request) {
    ASSERT_TRUE(c.send(request));
    auto r = c.read_response(5000ms);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->result_int(), 101);
    EXPECT_EQ((*r)[boost::beast::http::field::upgrade], "websocket");
    EXPECT_EQ((*r)[boost::beast::http::field::connection], "Upgrade");
    EXPECT_EQ((*r)["Sec-WebSocket-Accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    request_id = std::string((*r)["X-Request-Id"]);
  }
  std::string request_id;  // the 101's
};

TEST_F(TunnelTest, TheUpgradeIsForwardedAndBytesFlowBothWays) {
  UpgradeUpstream up(kSwitch);
  start({up.port});
  TestClient c(port_);
  open(c, upgrade_request());
  const std::string head = up.first_head();
  EXPECT_NE(head.find("\r\nConnection: Upgrade\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos);
  // The 101 carries the ID the upstream got, as any answer does.
  EXPECT_FALSE(request_id.empty());
  EXPECT_NE(head.find("\r\nX-Request-Id: " + request_id + "\r\n"), std::string::npos) << head;
  ASSERT_TRUE(c.read_until("hello", 3000ms));  // sent with the 101
  ASSERT_TRUE(c.send("ping-1"));
  ASSERT_TRUE(c.read_until("ping-1", 3000ms));
  // More than the tunnel's buffers hold, both ways.
  std::string big(200 * 1024, 'x');
  for (std::size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>('a' + i % 26);
  big += "<end>";
  ASSERT_TRUE(c.send(big));
  ASSERT_TRUE(c.read_until("<end>", 5000ms));
  EXPECT_NE(c.pending().find(big), std::string::npos);
  EXPECT_EQ(up.connections.load(), 1);
}

TEST_F(TunnelTest, TheClientsCloseReachesTheUpstreamAndItsCloseComesBack) {
  UpgradeUpstream up(kSwitch);
  start({up.port});
  TestClient c(port_);
  open(c, upgrade_request());
  ASSERT_TRUE(c.read_until("hello", 3000ms));
  c.shutdown_send();
  EXPECT_TRUE(ScriptedUpstream::wait_for([&] { return up.eofs.load() == 1; }));
  EXPECT_TRUE(c.closed_within(3000ms));
}

TEST_F(TunnelTest, TheUpstreamsCloseReachesTheClientWhichCanStillSend) {
  UpgradeUpstream up(kSwitch);
  start({up.port});
  TestClient c(port_);
  open(c, upgrade_request());
  ASSERT_TRUE(c.send("quit"));
  ASSERT_TRUE(c.read_until("bye", 3000ms));
  EXPECT_TRUE(c.closed_within(3000ms));  // the upstream's half-close, passed on
  ASSERT_TRUE(c.send("still here"));
  EXPECT_TRUE(ScriptedUpstream::wait_for([&] { return up.after_quit() == "still here"; }))
      << up.after_quit();
  c.shutdown_send();
  EXPECT_TRUE(ScriptedUpstream::wait_for([&] { return up.eofs.load() == 1; }));
}

TEST_F(TunnelTest, AnIdleTunnelCloses) {
  UpgradeUpstream up(kSwitch);
  auto config = default_config();
  config.tunnel_idle_timeout = 300ms;
  start({up.port}, config);
  TestClient c(port_);
  open(c, upgrade_request());
  ASSERT_TRUE(c.send("ping"));
  ASSERT_TRUE(c.read_until("ping", 3000ms));
  EXPECT_TRUE(c.closed_within(5000ms));
  EXPECT_TRUE(ScriptedUpstream::wait_for([&] { return up.eofs.load() == 1; }));
}

TEST_F(TunnelTest, ABodyGoesFirst) {
  UpgradeUpstream up(kSwitch);
  start({up.port});
  TestClient c(port_);
  const std::string req = upgrade_request("Content-Length: 5\r\n");
  open(c, "POST" + req.substr(3) + "abcde");
  EXPECT_TRUE(c.read_until("helloabcde", 3000ms)) << c.pending();
}

TEST_F(TunnelTest, ARefusedUpgradeIsAnOrdinaryResponseOnAConnectionNotPooled) {
  UpgradeUpstream up("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 4\r\n\r\nnope");
  start({up.port});
  TestClient c(port_);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send(upgrade_request()));
    auto r = c.read_response(5000ms);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 426);
    EXPECT_EQ(r->body(), "nope");
  }
  EXPECT_EQ(up.connections.load(), 2);
}

TEST_F(TunnelTest, A101ToAPlainRequestIsRefused) {
  UpgradeUpstream up(kSwitch);
  start({up.port});
  auto r = get("/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 502);
}

}  // namespace
}  // namespace conv::balancer
