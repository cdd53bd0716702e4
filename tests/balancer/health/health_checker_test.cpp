// The real HealthChecker, driven on the test's thread, with a fake resolver that answers what
// each test says and real upstream servers on loopback that the checks reach.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <map>
#include <utility>

#include "../../support/test_certs.hpp"
#include "../../support/tls_upstream.hpp"
#include "../proxy/proxy_fixture.hpp"
#include "conv/balancer/health/health.hpp"

namespace conv::balancer {
namespace {

using namespace std::chrono_literals;
using proxytest::TestUpstream;
namespace net = boost::asio;
using error_code = boost::system::error_code;
using Address = net::ip::tcp::endpoint;

Address loopback(std::uint16_t port) {
  return {net::ip::make_address("127.0.0.1"), port};
}

// Answers each name with what the test last set (by default: no such name). Answers are posted
// and read when delivered, as a real resolver's arrive later: one delivered after a change
// reflects it.
class FakeResolver : public Resolver {
 public:
  explicit FakeResolver(net::io_context& ctx) : ctx_(ctx) {}

  void resolve(const std::string& host, std::uint16_t port, Done done) override {
    asked_port_ = port;
    net::post(ctx_, [this, host, done = std::move(done)] {
      const auto it = answers_.find(host);
      const Answer a = it != answers_.end() ? it->second : Answer{net::error::host_not_found, {}};
      ++answered_[host];
      done(a.ec, a.addresses);
    });
  }

  void answer(const std::string& host, std::vector<Address> addresses) {
    answers_[host] = {{}, std::move(addresses)};
  }
  void fail(const std::string& host, error_code ec) { answers_[host] = {ec, {}}; }
  int answered(const std::string& host) { return answered_[host]; }
  std::uint16_t asked_port() const { return asked_port_; }

 private:
  struct Answer {
    error_code ec;
    std::vector<Address> addresses;
  };
  net::io_context& ctx_;
  std::map<std::string, Answer> answers_;
  std::map<std::string, int> answered_;
  std::uint16_t asked_port_ = 0;
};

// The checker's clock, moved by the test: a wake-up fires (posted, as a timer's would be) only
// when advance() passes its time, so the test decides exactly when each round happens.
class FakeTicker : public Ticker {
 public:
  explicit FakeTicker(net::io_context& ctx) : ctx_(ctx) {}

  TimePoint now() const override { return now_; }
  void wake_after(std::chrono::milliseconds delay, std::function<void()> wake) override {
    due_ = now_ + delay;
    wake_ = std::move(wake);
    delays_.push_back(delay);
  }
  void cancel() override { wake_ = nullptr; }

  // Moves the clock by `by`, firing each wake-up that falls due on the way (a woken checker
  // asks for the next one, which may fall due too).
  void advance(std::chrono::milliseconds by) {
    const TimePoint until = now_ + by;
    while (wake_ && due_ <= until) {
      now_ = due_;
      net::post(ctx_, std::exchange(wake_, nullptr));
      ctx_.restart();  // a context out of work (no real timer keeps it busy) has stopped
      ctx_.poll();     // the woken round runs at this time
    }
    now_ = until;
  }
  const std::vector<std::chrono::milliseconds>& delays() const { return delays_; }

 private:
  net::io_context& ctx_;
  TimePoint now_ = std::chrono::steady_clock::now();
  TimePoint due_{};
  std::function<void()> wake_;
  std::vector<std::chrono::milliseconds> delays_;
};

// A checker over one config entry. Everything runs on this thread (run_until), so the test
// may change the config and the resolver's answers between two handlers, as a reload would.
class HealthCheckerTest : public ::testing::Test {
 protected:
  static constexpr std::uint16_t kPort = 5000;  // the entry's port: the fake answers its own

  void start(const std::string& host, bool resolve_all, unsigned max_addresses = 16,
             Ticker* ticker = nullptr) {
    UpstreamConfig entry;
    entry.address = {host, kPort};
    entry.resolve_all = resolve_all;
    entry.max_addresses = max_addresses;
    entry.tls = tls_;
    config_ = default_config();
    config_.upstreams = {entry};
    config_.health.path = "/status?code=200";
    config_.health.interval = interval_;
    config_.health.timeout = 2000ms;
    config_.health.fails = 3;
    config_.health.passes = 2;
    table_ = std::make_unique<UpstreamTable>(config_.upstreams);
    selector_ = std::make_unique<Selector>(*table_, config_.policy);
    checker_ =
        std::make_unique<HealthChecker>(ctx_, config_, *table_, *selector_, resolver_, ticker);
    checker_->start();
  }

  // Runs the checker one handler at a time until `done()` holds, for at most `limit`: a test
  // sees each state change right after the handler that made it.
  template <typename F>
  bool run_until(F done, std::chrono::milliseconds limit = 5000ms) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= until) return false;
      if (ctx_.stopped()) ctx_.restart();  // out of work for a moment: a fake ticker holds none
      ctx_.run_one_for(10ms);
    }
    return true;
  }

  // The next check asks for `path`; true once its verdict is `verdict`. Called right after a
  // verdict, when no check is under way, so the very next one is the one that asks for it.
  bool next_check(const std::string& path, const std::string& verdict) {
    config_.health.path = path;
    return run_until([&] { return slot(0).last_check() == verdict; });
  }

  Upstream& slot(std::size_t i) { return (*table_)[i]; }
  // Slot 0's failed checks with `reason` (conv_upstream_health_checks_total{result="failed"}).
  std::uint64_t failed_checks(std::string_view reason) {
    const auto& r = Upstream::kCheckFailures;
    const auto at = std::find(r.begin(), r.end(), reason);
    EXPECT_NE(at, r.end()) << reason;
    return at == r.end() ? 0 : slot(0).checks_failed(static_cast<std::size_t>(at - r.begin()));
  }
  bool holds(std::size_t i, const Address& a) { return slot(i).endpoint() == a; }
  std::size_t available() { return selector_->available_count(); }

  net::io_context ctx_;
  FakeResolver resolver_{ctx_};
  FakeTicker ticker_{ctx_};  // used by the tests that pass it to start(); outlives the checker
  std::chrono::milliseconds interval_ = 20ms;  // a round every 20 ms keeps the tests short
  std::optional<tls::ClientSettings> tls_;     // the entry's "tls"
  BalancerConfig config_;
  std::unique_ptr<UpstreamTable> table_;
  std::unique_ptr<Selector> selector_;
  std::unique_ptr<HealthChecker> checker_;
};

TEST_F(HealthCheckerTest, MarksAnUpstreamDownAfterFailsFailuresAndUpAfterPassesPasses) {
  TestUpstream api("api");
  resolver_.answer("api.test", {loopback(api.port)});
  start("api.test", false);
  ASSERT_TRUE(run_until([&] { return slot(0).resolved(); }));
  EXPECT_EQ(resolver_.asked_port(), kPort);
  EXPECT_TRUE(holds(0, loopback(api.port)));
  EXPECT_FALSE(slot(0).checked_healthy());  // a new address waits for its checks

  // Each check asks for another status, so that each verdict reads differently: the test
  // counts them one by one. fails = 3, passes = 2.
  ASSERT_TRUE(run_until([&] { return slot(0).last_check() == "pass: status 200"; }));
  EXPECT_FALSE(slot(0).checked_healthy());
  ASSERT_TRUE(next_check("/status?code=201", "pass: status 201"));
  EXPECT_TRUE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 1u);

  ASSERT_TRUE(next_check("/status?code=500", "fail: status 500"));
  EXPECT_TRUE(slot(0).checked_healthy());
  ASSERT_TRUE(next_check("/status?code=502", "fail: status 502"));
  EXPECT_TRUE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 1u);
  ASSERT_TRUE(next_check("/status?code=503", "fail: status 503"));
  EXPECT_FALSE(slot(0).checked_healthy());
  EXPECT_EQ(slot(0).state(Upstream::Clock::now()), "down");
  EXPECT_EQ(available(), 0u);

  ASSERT_TRUE(next_check("/status?code=200", "pass: status 200"));
  EXPECT_FALSE(slot(0).checked_healthy());
  ASSERT_TRUE(next_check("/status?code=201", "pass: status 201"));
  EXPECT_TRUE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 1u);
  EXPECT_EQ(api.handler.requests.load(), 7);  // one request per check, none missed
  EXPECT_EQ(slot(0).checks_passed(), 4u);     // counted for /metrics, by result and reason
  EXPECT_EQ(failed_checks("status"), 3u);
  EXPECT_EQ(failed_checks("connect_refused"), 0u);
}

// A check whose connection is refused fails with the reason "connect_refused", one that gets
// no answer in time with "timeout", one answered with garbage with "malformed".
TEST_F(HealthCheckerTest, CountsFailedChecksByReason) {
  resolver_.answer("api.test", {loopback(conv::testing::closed_port())});
  start("api.test", false);
  ASSERT_TRUE(run_until([&] { return failed_checks("connect_refused") >= 2; }));
  EXPECT_EQ(slot(0).last_check().rfind("fail: connect: ", 0), 0u) << slot(0).last_check();
  EXPECT_EQ(slot(0).checks_passed(), 0u);
  checker_.reset();

  conv::testing::RawUpstream silent(conv::testing::RawBehaviour::silent());
  resolver_.answer("silent.test", {loopback(silent.port)});
  start("silent.test", false);
  config_.health.timeout = 100ms;  // read by each check: the first one has not started yet
  ASSERT_TRUE(run_until([&] { return failed_checks("timeout") >= 1; }));
  EXPECT_EQ(slot(0).last_check(), "fail: timed out");
  checker_.reset();

  conv::testing::RawUpstream garbage("NOT HTTP AT ALL\r\n\r\n");
  resolver_.answer("garbage.test", {loopback(garbage.port)});
  start("garbage.test", false);
  ASSERT_TRUE(run_until([&] { return failed_checks("malformed") >= 1; }));
  EXPECT_EQ(failed_checks("reset"), 0u);
}

// An upstream with "tls" is checked over TLS, with its own settings: its name (a.test, which
// the test server's certificate has) verified against its CA.
TEST_F(HealthCheckerTest, ChecksATlsUpstreamOverTls) {
  const auto& certs = conv::testing::TestCerts::get();
  conv::testing::TlsUpstream api({certs.path("server.pem"), certs.path("server.key"), ""});
  resolver_.answer("a.test", {loopback(api.port)});
  tls_ = tls::ClientSettings{.ca_file = certs.path("ca.pem")};
  start("a.test", false);
  ASSERT_TRUE(run_until([&] { return slot(0).resolved(); }));
  EXPECT_FALSE(slot(0).checked_healthy());  // a new address waits for its checks
  ASSERT_TRUE(run_until([&] { return slot(0).checked_healthy(); }));  // passes = 2
  EXPECT_EQ(slot(0).last_check(), "pass: status 200");
  EXPECT_EQ(available(), 1u);
  api.status = 503;
  ASSERT_TRUE(run_until([&] { return !slot(0).checked_healthy(); }));  // fails = 3
  EXPECT_EQ(slot(0).last_check(), "fail: status 503");
  EXPECT_EQ(available(), 0u);
  api.status = 200;
  ASSERT_TRUE(run_until([&] { return slot(0).checked_healthy(); }));
  EXPECT_GE(api.handshakes.load(), 2 + 3 + 2);  // every check over TLS
  EXPECT_EQ(api.failed_handshakes.load(), 0);
}

TEST_F(HealthCheckerTest, ATlsUpstreamThatFailsVerificationIsDownAndSaysWhy) {
  const auto& certs = conv::testing::TestCerts::get();
  conv::testing::TlsUpstream api({certs.path("selfsigned.pem"), certs.path("selfsigned.key"), ""});
  resolver_.answer("localhost", {loopback(api.port)});
  tls_ = tls::ClientSettings{.ca_file = certs.path("ca.pem")};
  start("localhost", false);
  ASSERT_TRUE(run_until([&] { return api.failed_handshakes.load() >= 3; }));
  ASSERT_TRUE(run_until([&] {
    return slot(0).last_check() == "fail: tls: certificate verify failed (self-signed certificate)";
  }));
  EXPECT_FALSE(slot(0).checked_healthy());
  EXPECT_EQ(api.requests.load(), 0);
  EXPECT_GE(failed_checks("tls"), 1u);  // counted before the verdict above was recorded
  EXPECT_EQ(failed_checks("connect_refused") + slot(0).checks_passed(), 0u);
}

TEST_F(HealthCheckerTest, FollowsANamesAddressesIntoSlotsAndEmptiesTheSlotOfOneThatVanished) {
  TestUpstream a("a"), b("b"), c("c");
  resolver_.answer("svc.test", {loopback(a.port)});
  start("svc.test", true, 3);
  ASSERT_EQ(table_->size(), 3u);
  ASSERT_TRUE(run_until([&] { return slot(0).checked_healthy() && available() == 1; }));
  EXPECT_TRUE(holds(0, loopback(a.port)));
  EXPECT_FALSE(slot(1).resolved());
  EXPECT_FALSE(slot(2).resolved());

  // Two more replicas, in the rotating order DNS answers in: the free slots take them in
  // address order, each joining only once its own checks pass.
  resolver_.answer("svc.test", {loopback(c.port), loopback(a.port), loopback(b.port)});
  const auto [low, high] = std::minmax(b.port, c.port);
  ASSERT_TRUE(run_until([&] { return slot(1).resolved() && slot(2).resolved(); }));
  EXPECT_TRUE(holds(1, loopback(low)));
  EXPECT_TRUE(holds(2, loopback(high)));
  EXPECT_FALSE(slot(1).checked_healthy());
  ASSERT_TRUE(run_until([&] { return available() == 3; }));
  EXPECT_GE(b.handler.requests.load(), 2);
  EXPECT_GE(c.handler.requests.load(), 2);

  // The first replica's address is gone: its slot empties, the others keep theirs and their
  // health (no new checks needed).
  resolver_.answer("svc.test", {loopback(c.port), loopback(b.port)});
  ASSERT_TRUE(run_until([&] { return !slot(0).endpoint(); }));
  EXPECT_EQ(slot(0).state(Upstream::Clock::now()), "unresolved");
  EXPECT_TRUE(holds(1, loopback(low)));
  EXPECT_TRUE(holds(2, loopback(high)));
  EXPECT_TRUE(slot(1).checked_healthy());
  EXPECT_TRUE(slot(2).checked_healthy());
  EXPECT_EQ(available(), 2u);
}

TEST_F(HealthCheckerTest, KeepsTheKnownAddressesWhenResolutionFailsAndEmptiesThemWhenTheNameGoes) {
  TestUpstream a("a"), b("b");
  resolver_.fail("svc.test", net::error::host_not_found_try_again);
  start("svc.test", true, 2);
  // A name that does not resolve yet is down.
  ASSERT_TRUE(run_until([&] { return resolver_.answered("svc.test") >= 2; }));
  EXPECT_FALSE(slot(0).resolved());
  EXPECT_EQ(available(), 0u);

  resolver_.answer("svc.test", {loopback(a.port), loopback(b.port)});
  ASSERT_TRUE(run_until([&] { return available() == 2; }));

  // A DNS hiccup (SERVFAIL, a timeout), round after round: the replicas stay, and stay up.
  resolver_.fail("svc.test", net::error::host_not_found_try_again);
  const int before = resolver_.answered("svc.test");
  ASSERT_TRUE(run_until([&] { return resolver_.answered("svc.test") >= before + 3; }));
  resolver_.fail("svc.test", net::error::timed_out);
  ASSERT_TRUE(run_until([&] { return resolver_.answered("svc.test") >= before + 6; }));
  EXPECT_TRUE(holds(0, loopback(std::min(a.port, b.port))));
  EXPECT_TRUE(holds(1, loopback(std::max(a.port, b.port))));
  EXPECT_EQ(available(), 2u);

  // No such name any more (a service scaled to zero): every slot empties.
  resolver_.fail("svc.test", net::error::host_not_found);
  ASSERT_TRUE(run_until([&] { return !slot(0).endpoint() && !slot(1).endpoint(); }));
  EXPECT_EQ(available(), 0u);
}

// On the test's clock: a round (a resolution and a check) starts once `interval` has passed
// since the last, not before, whatever the checker's shorter wake-ups do in between.
TEST_F(HealthCheckerTest, StartsARoundOnlyWhenTheIntervalHasPassedOnItsClock) {
  TestUpstream api("api");
  resolver_.answer("api.test", {loopback(api.port)});
  interval_ = 10s;
  start("api.test", false, 16, &ticker_);
  // The first round at start: the new address is checked as soon as it resolves.
  ASSERT_TRUE(run_until([&] { return slot(0).last_check() == "pass: status 200"; }));
  EXPECT_EQ(resolver_.answered("api.test"), 1);
  EXPECT_EQ(api.handler.requests.load(), 1);

  config_.health.path = "/status?code=201";
  ticker_.advance(9750ms);  // 39 wake-ups of 250 ms: none starts a round
  EXPECT_FALSE(run_until([&] { return api.handler.requests.load() > 1; }, 200ms));
  EXPECT_EQ(resolver_.answered("api.test"), 1);
  EXPECT_EQ(ticker_.delays().size(), 40u);
  for (const auto d : ticker_.delays()) EXPECT_EQ(d, 250ms);  // the interval, capped at 250 ms

  ticker_.advance(250ms);  // 10 s since the first round
  ASSERT_TRUE(run_until([&] { return slot(0).last_check() == "pass: status 201"; }));
  EXPECT_EQ(resolver_.answered("api.test"), 2);
  EXPECT_EQ(api.handler.requests.load(), 2);
  EXPECT_TRUE(slot(0).checked_healthy());  // passes = 2
}

// Rounds moved one at a time on the test's clock: exactly one check per round, and `fails`
// and `passes` counted across them (fails = 3, passes = 2).
TEST_F(HealthCheckerTest, CountsFailsAndPassesRoundByRoundOnItsClock) {
  TestUpstream api("api");
  resolver_.answer("api.test", {loopback(api.port)});
  interval_ = 100ms;
  start("api.test", false, 16, &ticker_);
  ASSERT_TRUE(run_until([&] { return slot(0).last_check() == "pass: status 200"; }));
  int rounds = 1;
  auto round = [&](const std::string& code) {
    config_.health.path = "/status?code=" + code;
    ticker_.advance(100ms);
    ++rounds;
    const std::string verdict = (code[0] == '2' ? "pass: status " : "fail: status ") + code;
    return run_until([&] { return slot(0).last_check() == verdict; }) &&
           api.handler.requests.load() == rounds;
  };
  EXPECT_EQ(ticker_.delays().back(), 100ms);  // an interval under 250 ms is the wake-up itself
  EXPECT_FALSE(slot(0).checked_healthy());
  ASSERT_TRUE(round("201"));
  EXPECT_TRUE(slot(0).checked_healthy());
  ASSERT_TRUE(round("500"));
  ASSERT_TRUE(round("502"));
  EXPECT_TRUE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 1u);
  ASSERT_TRUE(round("503"));
  EXPECT_FALSE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 0u);
  ASSERT_TRUE(round("204"));
  EXPECT_FALSE(slot(0).checked_healthy());
  ASSERT_TRUE(round("200"));
  EXPECT_TRUE(slot(0).checked_healthy());
  EXPECT_EQ(available(), 1u);
  // Time that passes short of an interval starts no check.
  ticker_.advance(99ms);
  EXPECT_FALSE(run_until([&] { return api.handler.requests.load() > rounds; }, 200ms));
}

// The balancer's resolver: an address needs no DNS, so this stays on the machine.
TEST(DnsResolver, AnswersAnAddressWithItselfAndThePort) {
  net::io_context ctx;
  DnsResolver dns(ctx);
  std::optional<std::vector<Address>> got;
  error_code got_ec = net::error::operation_aborted;
  dns.resolve("127.0.0.1", 5123, [&](error_code ec, std::vector<Address> addresses) {
    got_ec = ec;
    got = std::move(addresses);
  });
  EXPECT_FALSE(got);  // never from within resolve()
  ctx.run_for(5s);
  EXPECT_FALSE(got_ec);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, std::vector<Address>{loopback(5123)});
}

}  // namespace
}  // namespace conv::balancer
