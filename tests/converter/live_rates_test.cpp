#include "conv/converter/live_rates.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "conv/converter/feeds/ecb_source.hpp"
#include "conv/converter/feeds/ecb_xml.hpp"
#include "converter/feeds/fake_feed_server.hpp"
#include "converter/feeds/feed_fixture.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;
using namespace std::chrono_literals;
using conv::testing::FakeFeedServer;

// 16:00 UTC on `iso`: after the ECB's publication of that day.
chr::sys_seconds afternoon(const char* iso) {
  return chr::sys_seconds(chr::seconds(Date::parse(iso)->epoch_seconds())) + chr::hours(16);
}

using conv::testing::eventually;

class LiveRatesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.listening()); }

  std::string db() const { return dir_.file("rates.db"); }

  RefresherOptions options(const char* today) {
    RefresherOptions o;
    o.store = db();
    o.providers = {std::make_shared<EcbSource>(server_.base_url())};
    o.rules.plan.seed = 1;
    o.rules.plan.jitter_permille = 0;
    o.fetch.timeout = 2s;
    const auto now = afternoon(today);
    o.clock = [now] { return now; };
    return o;
  }

  conv::testing::TempDir dir_{"conv-live-rates"};
  FakeFeedServer server_;
  RateStore store_{RatesSource{"", "", "", false}};  // never loaded: only LiveRates publishes
};

TEST_F(LiveRatesTest, AStoreWithDaysIsPublishedBeforeStartReturns) {
  RatesDb(db()).save(parse_ecb_xml(feed_fixture("eurofxref-hist-3d.xml")));
  LiveRates live(options("2024-10-04"), store_);  // 4 October is stored: nothing to fetch
  EXPECT_FALSE(store_.loaded());
  live.start();
  ASSERT_TRUE(store_.loaded());
  EXPECT_EQ(live.published(), 1u);
  const auto catalog = store_.snapshot();
  EXPECT_EQ(catalog->size(), 3u);
  EXPECT_EQ(catalog->latest().as_of, "2024-10-04");
  EXPECT_EQ(catalog->latest().provider, "ecb");
  EXPECT_EQ(catalog->latest().base, "EUR");
  EXPECT_EQ(catalog->latest().quotes.at("USD").to_string(), "1.0994");
  EXPECT_EQ(live.stats().in_force(), 0);
  live.stop();
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(LiveRatesTest, AnEmptyStorePublishesNothingUntilTheFirstFetch) {
  server_.route("eurofxref-hist-90d.xml",
                FakeFeedServer::answer(200, feed_fixture("eurofxref-daily.xml")));
  LiveRates live(options("2024-10-03"), store_);
  live.start();
  EXPECT_EQ(live.published(), 0u);  // nothing stored: nothing in force yet
  ASSERT_TRUE(eventually([&] { return live.fetches_done() >= 1; }));
  ASSERT_TRUE(eventually([&] { return store_.loaded(); }));
  EXPECT_EQ(live.published(), 1u);
  EXPECT_EQ(store_.snapshot()->latest().as_of, "2024-10-03");
  EXPECT_EQ(live.stats().at(0).fetches_ok(), 1u);
  EXPECT_EQ(RatesDb(db()).load("ecb").size(), 1u);  // saved for the next start
}

TEST_F(LiveRatesTest, AFailedFetchPublishesNothing) {
  server_.route("eurofxref-hist-90d.xml", FakeFeedServer::answer(500, "down"));
  LiveRates live(options("2024-10-03"), store_);
  live.start();
  ASSERT_TRUE(eventually([&] { return live.fetches_done() >= 1; }));
  EXPECT_FALSE(store_.loaded());
  EXPECT_EQ(live.published(), 0u);
  EXPECT_EQ(live.stats().at(0).fetches_failed(), 1u);
}

// The converter gives the replaced catalog's memory back after each publish (malloc_trim, as
// after a SIGHUP reload): the hook runs once per catalog put in force, after it is in force.
TEST_F(LiveRatesTest, TheHookRunsAfterEachPublish) {
  server_.route("eurofxref-hist-90d.xml",
                FakeFeedServer::answer(200, feed_fixture("eurofxref-daily.xml")));
  std::atomic<int> calls{0};
  std::atomic<bool> in_force_first{true};
  LiveRates live(options("2024-10-03"), store_, [&] {
    if (!store_.loaded()) in_force_first = false;
    ++calls;
  });
  live.start();
  EXPECT_EQ(calls, 0);  // nothing stored: nothing published
  ASSERT_TRUE(eventually([&] { return live.fetches_done() >= 1; }));
  EXPECT_EQ(live.published(), 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(in_force_first);
  live.refresh_now();  // the same day again: nothing new, nothing published
  ASSERT_TRUE(eventually([&] { return live.fetches_done() >= 2; }));
  EXPECT_EQ(live.published(), 1u);
  EXPECT_EQ(calls, 1);
}

TEST(LiveRatesConfig, BuildsTheProvidersInPriorityOrder) {
  LiveRatesConfig config;
  config.providers = {{"bcb_ptax", "http://127.0.0.1:1/"}, {"ecb", ""}};
  config.feed_ca = "/etc/ssl/certs/ca-certificates.crt";
  config.fallback_after = chr::hours(48);
  EXPECT_EQ(config.names(), "bcb_ptax,ecb");
  const auto o = refresher_options(config, "/tmp/x.db");
  ASSERT_EQ(o.providers.size(), 2u);
  EXPECT_EQ(o.providers[0]->name(), "bcb_ptax");
  EXPECT_EQ(o.providers[1]->name(), "ecb");
  EXPECT_EQ(o.store, "/tmp/x.db");
  EXPECT_EQ(o.fetch.tls.ca_file, config.feed_ca);
  EXPECT_EQ(o.fallback_after, chr::hours(48));
  EXPECT_EQ(o.rules.max_factor, Decimal(15, 1));  // the defaults: x1.5, refused
  EXPECT_TRUE(o.rules.refuse_jumps);
  config.max_jump = Decimal(3, 0);
  config.refuse_jumps = false;
  const auto lenient = refresher_options(config, "/tmp/x.db");
  EXPECT_EQ(lenient.rules.max_factor, Decimal(3, 0));
  EXPECT_FALSE(lenient.rules.refuse_jumps);
  config.providers = {{"nope", ""}};
  EXPECT_THROW(refresher_options(config, "/tmp/x.db"), std::invalid_argument);
}

}  // namespace
}  // namespace conv::converter
