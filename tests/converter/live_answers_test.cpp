// The converter's answers over live feeds, end to end in one process, while a fake clock moves
// over the ECB's publication calendar: a fake ECB on loopback, the Refresher and LiveRates
// publishing into the RateStore, and the ConverterHandler answering from it, all on the same
// clock. What a client sees: which day, how fresh, cached for how long, and when it is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <filesystem>

#include "conv/converter/feeds/ecb_source.hpp"
#include "conv/converter/feeds/ecb_xml.hpp"
#include "conv/converter/handler.hpp"
#include "conv/converter/live_rates.hpp"
#include "conv/converter/rates_db.hpp"
#include "converter/feeds/fake_feed_server.hpp"
#include "converter/feeds/feed_fixture.hpp"
#include "converter/feeds/moved_clock.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using conv::testing::eventually;
using conv::testing::FakeFeedServer;

// The ECB's daily feed as published on Monday 7 October 2024 (the recorded 3 October feed,
// redated: the same rates, so no jump).
std::string monday_feed() {
  std::string xml = feed_fixture("eurofxref-daily.xml");
  const auto at = xml.find("time='2024-10-03'");
  EXPECT_NE(at, std::string::npos);
  return xml.replace(at, 17, "time='2024-10-07'");
}

class LiveAnswersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.listening());
    // Wednesday 2 to Friday 4 October 2024 are stored.
    RatesDb(dir_.file("rates.db")).save(parse_ecb_xml(feed_fixture("eurofxref-hist-3d.xml")));
    log_ = http::AccessLog::open("off");
    handler_ = std::make_unique<ConverterHandler>(store_, metrics_, *log_);
    handler_->set_clock([this] { return chr::system_clock::time_point(now_.load()); });
  }
  void TearDown() override { live_.reset(); }

  // Starts the live feeds at `now`; `retry_after`: the first backoff after a failed fetch.
  void start(chr::sys_seconds now, chr::seconds retry_after = 1min) {
    now_ = now;
    RefresherOptions o;
    o.store = dir_.file("rates.db");
    o.providers = {std::make_shared<EcbSource>(server_.base_url())};
    o.rules.plan.seed = 1;
    o.rules.plan.jitter_permille = 0;
    o.rules.plan.backoff_first = retry_after;
    o.rules.plan.backoff_cap = retry_after;
    o.fetch.timeout = 2s;
    o.clock = [this] { return now_.load(); };
    o.max_sleep = 10ms;  // the refresher looks at the moved clock every 10 ms
    live_ = std::make_unique<LiveRates>(std::move(o), store_);
    handler_->set_refresh_stats(&live_->stats());
    live_->start();
  }

  http::Response get(const std::string& target) {
    http::RequestHeader req;
    req.method(bhttp::verb::get);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "x");
    return handler_->respond(req);
  }
  json::value rates() {
    const auto r = get("/v1/rates?symbols=USD");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200 ? json::parse(r.body) : json::value{};
  }
  std::string cache_control(const std::string& target) {
    for (const auto& [name, value] : get(target).headers) {
      if (name == "Cache-Control") return value;
    }
    return "";
  }
  bool serves(const char* as_of) {
    return eventually([&] { return get("/v1/rates").body.find(as_of) != std::string::npos; });
  }

  conv::testing::TempDir dir_{"conv-live-answers"};
  FakeFeedServer server_;
  std::atomic<chr::sys_seconds> now_{};
  RateStore store_{RatesSource{"", "", "", false}};  // only LiveRates publishes
  http::Metrics metrics_{"conv_http", ConverterHandler::route_names()};
  std::unique_ptr<http::AccessLog> log_;
  std::unique_ptr<ConverterHandler> handler_;
  std::unique_ptr<LiveRates> live_;
};

TEST_F(LiveAnswersTest, ThePublicationCalendarDecidesTheDayServedAndHowLongItIsCached) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(200, monday_feed()));
  // Saturday 10:00 UTC: Friday's rates, cached until Monday's publication (16:00 in
  // Frankfurt, 14:00 UTC in summer time): 52 hours.
  start(at("2024-10-05", 10));
  EXPECT_EQ(rates().at("as_of"), "2024-10-04");
  EXPECT_EQ(rates().at("stale"), false);
  EXPECT_EQ(cache_control("/v1/rates"), "public, max-age=187200");
  EXPECT_EQ(json::parse(get("/latest").body).at("date"), "2024-10-04");

  // Monday 13:30: not published yet; half an hour to go.
  now_ = at("2024-10-07", 13, 30);
  EXPECT_EQ(cache_control("/v1/rates"), "public, max-age=1800");
  // 14:06, past the publication and the refresher's 5 minutes of grace: it fetches by itself.
  now_ = at("2024-10-07", 14, 6);
  ASSERT_TRUE(serves("2024-10-07"));
  EXPECT_EQ(server_.requests(), 1);  // one fetch, after the publication, none at the weekend
  EXPECT_EQ(rates().at("rates").at("USD"), "1.1036000000");
  EXPECT_EQ(rates().at("stale"), false);
  EXPECT_EQ(cache_control("/v1/rates"), "public, max-age=86040");  // until Tuesday 14:00
  EXPECT_EQ(json::parse(get("/latest").body).at("date"), "2024-10-07");
  // The weekend still answers Friday, from the history kept.
  const auto saturday = json::parse(get("/v1/rates?symbols=USD&date=2024-10-05").body);
  EXPECT_EQ(saturday.at("as_of"), "2024-10-04");
}

TEST_F(LiveAnswersTest, AMissingDayMakesAnswersStaleThenRefusedUntilAFetchBringsIt) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(500, "down"));
  // Monday 19:59: Monday's rates were due at 14:00; the fetch at start fails; the retry is in
  // 12 hours.
  start(at("2024-10-07", 19, 59), 12h);
  ASSERT_TRUE(eventually([&] { return live_->fetches_done() >= 1; }));
  EXPECT_EQ(live_->stats().at(0).fetches_failed(), 1u);
  EXPECT_EQ(rates().at("as_of"), "2024-10-04");
  EXPECT_EQ(rates().at("stale"), false);                        // 5 h 59 overdue: stale after 6 h
  EXPECT_EQ(cache_control("/v1/rates"), "public, max-age=60");  // newer rates any moment

  now_ = at("2024-10-07", 20, 1);
  EXPECT_EQ(rates().at("stale"), true);
  EXPECT_NE(get("/metrics").body.find("conv_rates_overdue_seconds{provider=\"ecb\"} 21660"),
            std::string::npos);
  handler_->set_stale_policy({6h, true});
  const auto refused = get("/v1/convert?amount=10&from=EUR&to=USD");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_NE(refused.body.find("rates_stale"), std::string::npos) << refused.body;
  EXPECT_EQ(get("/convertepradolareuro/15.0").status, 200u);  // its own rates never go stale

  // The feed is back; Tuesday 08:00, past the retry: Monday's rates, fresh again.
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(200, monday_feed()));
  now_ = at("2024-10-08", 8);
  ASSERT_TRUE(serves("2024-10-07"));
  EXPECT_EQ(get("/v1/convert?amount=10&from=EUR&to=USD").status, 200u);
  EXPECT_EQ(cache_control("/v1/rates"), "public, max-age=21600");  // until Tuesday 14:00
}

}  // namespace
}  // namespace conv::converter
