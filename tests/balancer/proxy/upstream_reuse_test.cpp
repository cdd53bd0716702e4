// Response desync through pooled upstream connections. An upstream that sends bytes nobody
// asked for (a body after a HEAD, 204 or 304 answer, bytes past a response's end, a late
// "response") must never have them read as the answer to another client's request: its
// connection is not reused when the end of its response is uncertain, and an idle pooled
// connection that speaks is closed at once. Each scenario runs through the real proxy.
#include <gtest/gtest.h>

#include <random>

#include "proxy_fixture.hpp"
#include "scripted_upstream.hpp"

namespace conv::balancer {
namespace {

using conv::testing::ScriptedReply;
using conv::testing::ScriptedUpstream;
using namespace std::chrono_literals;

std::string target_of(const std::string& head) {
  const auto a = head.find(' ') + 1;
  return head.substr(a, head.find(' ', a) - a);
}

// The upstream's answer to `target`, which names it.
std::string own_response(const std::string& target) {
  return "HTTP/1.1 200 OK\r\nX-Req: " + target +
         "\r\nContent-Length: " + std::to_string(target.size()) + "\r\n\r\n" + target;
}

// A complete response of exactly `size` bytes (at least 60), for nobody.
std::string poison(std::size_t size) {
  const std::string head = "HTTP/1.1 200 OK\r\nX-Poison: yes\r\nContent-Length: ";
  for (std::size_t body = 1; body < size; ++body) {
    std::string r = head + std::to_string(body) + "\r\n\r\n";
    if (r.size() + body == size) return r + std::string(body, 'P');
  }
  return {};
}

class UpstreamReuseTest : public proxytest::BalancerTest {
 protected:
  // The upstream answers `bait` to /bait and its own response to anything else.
  void start_with_bait(ScriptedReply bait) {
    upstream_ = std::make_unique<ScriptedUpstream>(
        [bait](const std::string& head, int, int) -> ScriptedReply {
          const auto target = target_of(head);
          if (target == "/bait") return bait;
          return {own_response(target)};
        });
    start({upstream_->port});
  }

  // Client A asks for the bait; once the upstream has sent everything (late bytes too),
  // clients B and C, each on a new connection, must get their own answers.
  void expect_victims_unharmed(const std::string& bait_request, bool head) {
    const int before = upstream_->replies_done.load();
    auto a = request(bait_request, head);
    ASSERT_TRUE(a);
    EXPECT_TRUE((*a)["X-Served-By"].empty()) << "not the upstream's answer: " << a->result_int();
    ASSERT_TRUE(
        ScriptedUpstream::wait_for([&] { return upstream_->replies_done.load() > before; }));
    for (const std::string victim : {"/b", "/c"}) {
      auto r = get(victim);
      ASSERT_TRUE(r) << victim;
      EXPECT_EQ(r->result_int(), 200) << victim;
      EXPECT_EQ((*r)["X-Req"], victim);
      EXPECT_EQ(r->body(), victim);
      EXPECT_TRUE((*r)["X-Poison"].empty()) << victim << " got the stray response";
    }
  }

  std::unique_ptr<ScriptedUpstream> upstream_;
};

TEST_F(UpstreamReuseTest, AHeadAnswerWithALengthIsNotFollowedByReuse) {
  // The case: Content-Length 50 on a HEAD answer, and 200 ms later 50 bytes that
  // happen to be a whole response.
  start_with_bait({"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n", poison(60), 200ms});
  expect_victims_unharmed("HEAD /bait HTTP/1.1\r\nHost: t\r\n\r\n", true);
  // The HEAD's connection was closed, not pooled; /b and /c may share one.
  EXPECT_GE(upstream_->closed_by_peer.load(), 1);
  EXPECT_GE(upstream_->connections.load(), 2);
}

TEST_F(UpstreamReuseTest, A304WithALengthIsNotFollowedByReuse) {
  start_with_bait({"HTTP/1.1 304 Not Modified\r\nContent-Length: 66\r\n\r\n", poison(66), 50ms});
  expect_victims_unharmed(conv::testing::get_request("/bait"), false);
}

// A 204 without a length ends for sure: its connection is pooled, and watched. Late bytes
// close it at once (the upstream sees the close before anyone asks), and nobody gets them.
TEST_F(UpstreamReuseTest, LateBytesAfterA204CloseThePooledConnectionAtOnce) {
  start_with_bait({"HTTP/1.1 204 No Content\r\n\r\n", poison(70), 100ms});
  auto a = get("/bait");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->result_int(), 204);
  ASSERT_TRUE(ScriptedUpstream::wait_for([&] { return upstream_->replies_done.load() >= 1; }));
  EXPECT_TRUE(ScriptedUpstream::wait_for([&] { return upstream_->closed_by_peer.load() >= 1; }))
      << "the idle connection that spoke was not closed";
  expect_victims_unharmed(conv::testing::get_request("/bait"), false);
}

TEST_F(UpstreamReuseTest, BytesPastAResponsesEndAreNeverRelayed) {
  // In the same write as the response, and a moment later.
  start_with_bait({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + poison(64), "", 0ms});
  expect_victims_unharmed(conv::testing::get_request("/bait"), false);
  upstream_.reset();
  BalancerTest::TearDown();
  start_with_bait({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", poison(64), 30ms});
  expect_victims_unharmed(conv::testing::get_request("/bait"), false);
}

// RFC 9110 8.6: a 204 has no Content-Length, even when the upstream sent one.
TEST_F(UpstreamReuseTest, A204ReachesTheClientWithoutContentLength) {
  start_with_bait({"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", "", 0ms});
  auto r = get("/bait");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 204);
  EXPECT_EQ(r->count(boost::beast::http::field::content_length), 0u);
}

// Random answers, some followed by stray bytes (at once or late; a whole response naming
// another request, or garbage), over new and kept-alive client connections. The oracle: a
// client gets the answer to its own request, or an error the balancer made; never another's.
TEST_F(UpstreamReuseTest, RandomStrayBytesNeverReachAnotherClient) {
  for (const unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 client_rng(seed), upstream_rng(seed + 1000);
    auto choose = [&client_rng](unsigned n) { return static_cast<unsigned>(client_rng() % n); };
    upstream_ = std::make_unique<ScriptedUpstream>([&upstream_rng](const std::string& head, int,
                                                                   int) -> ScriptedReply {
      auto pick = [&upstream_rng](unsigned n) { return static_cast<unsigned>(upstream_rng() % n); };
      const auto target = target_of(head);
      const bool is_head = head.starts_with("HEAD");
      std::string answer;
      switch (pick(4)) {
        case 0:
          answer = own_response(target);
          break;
        case 1:
          answer = "HTTP/1.1 204 No Content\r\nX-Req: " + target + "\r\n\r\n";
          break;
        case 2:
          answer = "HTTP/1.1 304 Not Modified\r\nX-Req: " + target +
                   (pick(2) ? "\r\nContent-Length: 7\r\n\r\n" : "\r\n\r\n");
          break;
        default:
          answer = "HTTP/1.1 200 OK\r\nX-Req: " + target +
                   "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   (is_head ? "" : "3\r\nabc\r\n0\r\n\r\n");
      }
      const std::string stray = pick(2) ? own_response("/stray-" + std::to_string(pick(1000)))
                                        : std::string(1 + pick(40), 'g');
      switch (pick(3)) {
        case 0:
          return {answer};
        case 1:
          return {answer + stray, "", {}, true};
        default:
          return {answer, stray, std::chrono::milliseconds(1 + pick(15)), true};
      }
    });
    start({upstream_->port});
    conv::testing::TestClient kept(port_);
    for (int i = 0; i < 40; ++i) {
      const std::string target = "/r" + std::to_string(seed) + "-" + std::to_string(i);
      const bool head = choose(4) == 0;
      const std::string raw =
          std::string(head ? "HEAD " : "GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
      std::optional<conv::testing::TestResponse> r;
      if (choose(2)) {
        r = request(raw, head);
      } else {
        ASSERT_TRUE(kept.send(raw));
        r = kept.read_response(5000ms, head);
      }
      ASSERT_TRUE(r) << target;
      const std::string req((*r)["X-Req"]);
      if (req.empty()) {
        EXPECT_EQ((*r)["X-Served-By"], "lb") << target << ": " << r->result_int();
        EXPECT_GE(r->result_int(), 500) << target;
      } else {
        EXPECT_EQ(req, target) << "seed " << seed << ": a client got another's response";
      }
      // The next request goes out once this one's stray bytes were sent and the balancer has
      // closed every connection that carried some: the scenarios, where the stray
      // bytes wait on an idle connection. (Bytes an upstream sends after the next request
      // went out on the same connection are its answer, as far as HTTP/1.1 can tell.)
      ASSERT_TRUE(ScriptedUpstream::wait_for([&] {
        return upstream_->replies_done.load() >= i + 1 && upstream_->open_after_stray.load() == 0;
      })) << "seed "
          << seed << ", " << target << ": a connection that spoke unasked stayed open";
    }
    upstream_.reset();
    BalancerTest::TearDown();
  }
}

}  // namespace
}  // namespace conv::balancer
