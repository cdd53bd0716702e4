#include "conv/converter/feeds/refresher.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "conv/converter/feeds/ecb_source.hpp"
#include "conv/converter/feeds/ecb_xml.hpp"
#include "conv/converter/feeds/file_source.hpp"
#include "conv/converter/feeds/ptax_source.hpp"
#include "conv/util/published.hpp"
#include "converter/feeds/fake_feed_server.hpp"
#include "converter/feeds/feed_fixture.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;
using namespace std::chrono_literals;
using conv::testing::FakeFeedServer;

chr::sys_seconds at(const char* iso, int hour, int minute = 0) {
  return chr::sys_seconds(chr::seconds(Date::parse(iso)->epoch_seconds())) + chr::hours(hour) +
         chr::minutes(minute);
}

using conv::testing::eventually;

// The ECB's daily file for one day of USD and BRL.
std::string ecb_daily(const char* day, const char* usd, const char* brl = "6.0119") {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gesmes:Envelope "
             "xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" "
             "xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\"><Cube><Cube time='") +
         day + "'><Cube currency='USD' rate='" + usd + "'/><Cube currency='BRL' rate='" + brl +
         "'/></Cube></Cube></gesmes:Envelope>\n";
}

class RefresherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.listening()); }

  std::string store() const { return dir_.file("rates.db"); }

  // The recorded 3-day history, up to `last`, as a previous run would have stored it.
  void seed_store(const char* last) {
    auto days = parse_ecb_xml(feed_fixture("eurofxref-hist-3d.xml"));
    std::erase_if(days, [&](const PublishedDay& d) { return d.date > *Date::parse(last); });
    RatesDb(store()).save(days);
  }

  RefresherOptions options(std::vector<std::shared_ptr<const FeedSource>> providers) {
    RefresherOptions o;
    o.store = store();
    o.providers = std::move(providers);
    o.rules.plan.seed = 1;
    o.rules.plan.jitter_permille = 0;
    o.fetch.timeout = 2s;
    o.clock = [this] { return chr::sys_seconds(chr::seconds(now_.load())); };
    return o;
  }
  std::shared_ptr<const FeedSource> ecb() const {
    return std::make_shared<EcbSource>(server_.base_url());
  }
  void set_now(chr::sys_seconds t) { now_ = t.time_since_epoch().count(); }

  // The operator's rates file (the `file` provider), rewritten whole.
  std::string rates_file() const { return dir_.file("rates.json"); }
  void write_rates_file(const std::string& content) const {
    std::ofstream(rates_file(), std::ios::binary | std::ios::trunc) << content;
  }
  void write_rates_file(const char* as_of, const char* usd) const {
    write_rates_file(std::string(R"({"base":"BRL","as_of":")") + as_of +
                     R"(","source":"ops","quotes":{"USD":")" + usd + R"(","EUR":"6.0119"}})");
  }
  std::shared_ptr<const FeedSource> file() const {
    return std::make_shared<FileSource>(rates_file());
  }

  // What the converter does with an update: publishes it to the request threads.
  RatesUpdate publish() {
    return [this](std::shared_ptr<const RateHistory> h) {
      published_.publish(std::move(h));
      ++updates_;
    };
  }
  std::size_t published_days() const {
    const auto h = published_.snapshot();
    return h ? h->size() : 0;
  }

  // Starts with 2 and 3 October stored, on 4 October after the ECB's publication: the daily
  // file is due. `misbehave` makes it fail: the stored rates must stay, counted as `why`.
  void expect_kept(FetchFailure why, std::chrono::milliseconds timeout = 2s) {
    seed_store("2024-10-03");
    set_now(at("2024-10-04", 16));
    auto o = options({ecb()});
    o.fetch.timeout = timeout;
    Refresher refresher(std::move(o), publish());
    refresher.start();
    EXPECT_EQ(updates_.load(), 1);  // the stored history, before any fetch
    const auto& stats = refresher.stats().at(0);
    ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
    EXPECT_EQ(stats.fetches_failed(), 1u);
    EXPECT_EQ(stats.failures(why), 1u);
    EXPECT_EQ(stats.fetches_ok(), 0u);
    EXPECT_EQ(updates_.load(), 1);
    EXPECT_EQ(published_days(), 2u);
    EXPECT_EQ(RatesDb(store()).load("ecb").size(), 2u);
    EXPECT_EQ(refresher.planned("ecb")->at, at("2024-10-04", 16) + 1min);  // backoff
  }

  conv::testing::TempDir dir_{"conv-refresher"};
  FakeFeedServer server_;
  std::atomic<std::int64_t> now_{0};
  util::Published<RateHistory> published_;
  std::atomic<int> updates_{0};
};

TEST_F(RefresherTest, AFirstStartBackFillsSavesAndPublishes) {
  server_.route("eurofxref-hist-90d.xml",
                FakeFeedServer::answer(200, feed_fixture("eurofxref-hist-3d.xml")));
  set_now(at("2024-10-04", 16));
  Refresher refresher(options({ecb()}), publish());
  refresher.start();
  EXPECT_EQ(updates_.load(), 0);  // nothing stored: nothing to publish yet
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  EXPECT_EQ(updates_.load(), 1);
  EXPECT_EQ(refresher.stats().at(0).fetches_ok(), 1u);
  EXPECT_EQ(server_.targets(), std::vector<std::string>{"/eurofxref-hist-90d.xml"});
  const auto h = published_.snapshot();
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ(h->latest()->date.text(), "2024-10-04");
  EXPECT_EQ(h->latest()->rates.at("USD").to_string(), "1.0994");
  EXPECT_EQ(h->on(*Date::parse("2024-10-02"))->rates.count("RUB"), 0u);  // not a conv currency
  EXPECT_EQ(RatesDb(store()).load("ecb").size(), 3u);
  EXPECT_EQ(refresher.planned("ecb")->at, at("2024-10-07", 14, 5));  // Monday's publication
  EXPECT_EQ(refresher.stats().in_force(), 0);
  EXPECT_EQ(refresher.history("ecb"), h);
}

TEST_F(RefresherTest, TheNextDayJoinsTheStoredHistory) {
  server_.route("eurofxref-daily.xml",
                FakeFeedServer::answer(200, ecb_daily("2024-10-04", "1.0994")));
  seed_store("2024-10-03");
  set_now(at("2024-10-04", 16));
  Refresher refresher(options({ecb()}), publish());
  refresher.start();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  EXPECT_EQ(updates_.load(), 2);
  EXPECT_EQ(published_days(), 3u);
  EXPECT_EQ(RatesDb(store()).load("ecb").size(), 3u);
  EXPECT_EQ(server_.targets(), std::vector<std::string>{"/eurofxref-daily.xml"});
}

TEST_F(RefresherTest, AnOutageKeepsTheLastGoodRates) {
  auto o = options({std::make_shared<EcbSource>(
      "http://127.0.0.1:" + std::to_string(conv::testing::closed_port()) + "/")});
  seed_store("2024-10-03");
  set_now(at("2024-10-04", 16));
  Refresher refresher(std::move(o), publish());
  refresher.start();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  EXPECT_EQ(refresher.stats().at(0).fetches_failed(), 1u);
  EXPECT_EQ(refresher.stats().at(0).failures(FetchFailure::connect_refused), 1u);
  EXPECT_EQ(published_days(), 2u);
  EXPECT_EQ(updates_.load(), 1);
}

TEST_F(RefresherTest, AProviderThatNeverAnswersTimesOut) {
  server_.hold("eurofxref-daily.xml");
  expect_kept(FetchFailure::timeout, 300ms);
}

TEST_F(RefresherTest, AnHttpErrorKeepsTheLastGoodRates) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(500, "<html>down</html>"));
  expect_kept(FetchFailure::http_status);
}

TEST_F(RefresherTest, AMalformedBodyKeepsTheLastGoodRates) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(200, "<html>maintenance</html>"));
  expect_kept(FetchFailure::malformed);
}

TEST_F(RefresherTest, ABodyCutShortKeepsTheLastGoodRates) {
  const std::string xml = ecb_daily("2024-10-04", "1.0994");
  server_.route("eurofxref-daily.xml", FakeFeedServer::truncated(xml));
  expect_kept(FetchFailure::reset);
}

TEST_F(RefresherTest, AWholeAnswerOfHalfADocumentIsMalformed) {
  const std::string xml = ecb_daily("2024-10-04", "1.0994");
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(200, xml.substr(0, xml.size() / 2)));
  expect_kept(FetchFailure::malformed);
}

TEST_F(RefresherTest, AnImplausibleJumpKeepsTheLastGoodRates) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(200, ecb_daily("2024-10-04", "5.0")));
  expect_kept(FetchFailure::implausible);
}

TEST_F(RefresherTest, ARetryAfterAFailureTakesTheNewDay) {
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(500, "down"));
  seed_store("2024-10-03");
  set_now(at("2024-10-04", 16));
  Refresher refresher(options({ecb()}), publish());
  refresher.start();
  const auto& stats = refresher.stats().at(0);
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  EXPECT_EQ(stats.fetches_failed(), 1u);
  server_.route("eurofxref-daily.xml",
                FakeFeedServer::answer(200, ecb_daily("2024-10-04", "1.0994")));
  set_now(at("2024-10-04", 16, 1));  // the retry is due
  refresher.refresh_now();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 2; }));
  EXPECT_EQ(stats.fetches_ok(), 1u);
  EXPECT_EQ(published_days(), 3u);
  EXPECT_EQ(updates_.load(), 2);
  EXPECT_EQ(stats.last_success(), at("2024-10-04", 16, 1).time_since_epoch().count());
}

TEST_F(RefresherTest, AStoreThatCannotSaveKeepsTheLastGoodRates) {
  seed_store("2024-10-04");
  set_now(at("2024-10-04", 16));
  server_.route("eurofxref-daily.xml",
                FakeFeedServer::answer(200, ecb_daily("2024-10-04", "1.0995")));
  Refresher refresher(options({ecb()}), publish());
  refresher.start();
  // Another process (conv rates import) holds the write lock past the store's busy timeout.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(store().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  refresher.refresh_now();  // a corrected 4 October
  const bool done = eventually([&] { return refresher.fetches_done() == 1; });
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ASSERT_TRUE(done);
  EXPECT_EQ(refresher.stats().at(0).failures(FetchFailure::store), 1u);
  EXPECT_EQ(updates_.load(), 1);
  EXPECT_EQ(published_.snapshot()->latest()->rates.at("USD").to_string(), "1.0994");
}

TEST_F(RefresherTest, ARestartWithTheStorePresentLoadsWithoutFetching) {
  seed_store("2024-10-04");
  set_now(at("2024-10-04", 16));
  Refresher refresher(options({ecb()}), publish());
  refresher.start();
  EXPECT_EQ(updates_.load(), 1);  // published before start() returned
  EXPECT_EQ(published_days(), 3u);
  EXPECT_EQ(refresher.planned("ecb")->at, at("2024-10-07", 14, 5));
  EXPECT_EQ(refresher.stats().at(0).latest(), *Date::parse("2024-10-04"));
  refresher.stop();
  EXPECT_EQ(server_.requests(), 0);
  EXPECT_EQ(refresher.stats().at(0).fetches_ok() + refresher.stats().at(0).fetches_failed(), 0u);
}

TEST_F(RefresherTest, TheNextProviderInPriorityTakesOverWhenTheFirstHasNoRates) {
  server_.route(
      "@moeda='USD'",
      FakeFeedServer::answer(200, feed_fixture("ptax-usd-2024-10-02.json"), "application/json"));
  const auto down = std::make_shared<EcbSource>(
      "http://127.0.0.1:" + std::to_string(conv::testing::closed_port()) + "/");
  const auto ptax = std::make_shared<PtaxSource>(std::vector<std::string>{"USD"},
                                                 server_.base_url() + "olinda/odata/");
  set_now(at("2024-10-03", 17));  // after PTAX's closing (16:00 UTC)
  Refresher refresher(options({down, ptax}), publish());
  refresher.start();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 2; }));
  EXPECT_EQ(updates_.load(), 1);
  EXPECT_EQ(refresher.stats().at(0).failures(FetchFailure::connect_refused), 1u);
  EXPECT_EQ(refresher.stats().at(1).fetches_ok(), 1u);
  const auto h = published_.snapshot();
  EXPECT_EQ(h->latest()->base, "BRL");
  EXPECT_EQ(h->latest()->date.text(), "2024-10-03");
  EXPECT_EQ(h->latest()->rates.at("USD").to_string(), "5.46070");
  EXPECT_EQ(refresher.stats().in_force(), 1);
  ASSERT_EQ(server_.targets().size(), 1u);
  EXPECT_TRUE(server_.targets()[0].starts_with("/olinda/odata/CotacaoMoedaPeriodo("))
      << server_.targets()[0];
}

TEST_F(RefresherTest, AnOverdueProviderGivesWayToTheNextOne) {
  seed_store("2024-10-04");  // the ECB's rates, not refreshed for a week
  const std::string ptax_day =
      R"({"value":[{"cotacaoVenda":5.5123,"dataHoraCotacao":"2024-10-10 13:09:27.853",)"
      R"("tipoBoletim":"Fechamento"}]})";
  server_.route("@moeda='USD'", FakeFeedServer::answer(200, ptax_day, "application/json"));
  const auto down = std::make_shared<EcbSource>(
      "http://127.0.0.1:" + std::to_string(conv::testing::closed_port()) + "/");
  const auto ptax =
      std::make_shared<PtaxSource>(std::vector<std::string>{"USD"}, server_.base_url());
  set_now(at("2024-10-10", 17));
  Refresher refresher(options({down, ptax}), publish());
  refresher.start();
  EXPECT_EQ(updates_.load(), 1);  // the ECB's old rates beat none
  EXPECT_EQ(refresher.stats().in_force(), 0);
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 2; }));
  EXPECT_EQ(updates_.load(), 2);
  EXPECT_EQ(refresher.stats().in_force(), 1);
  const auto h = published_.snapshot();
  EXPECT_EQ(h->latest()->base, "BRL");
  EXPECT_EQ(h->latest()->date.text(), "2024-10-10");
  EXPECT_EQ(RatesDb(store()).load("ecb").size(), 3u);  // kept, for when the ECB is back
}

TEST_F(RefresherTest, RequestThreadsReadWholeHistoriesDuringUpdates) {
  seed_store("2024-10-03");
  set_now(at("2024-10-04", 16));
  server_.route("eurofxref-daily.xml",
                FakeFeedServer::answer(200, ecb_daily("2024-10-04", "1.0994")));
  Refresher refresher(options({ecb()}), publish());
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0}, bad{0};
  auto reader = [&] {
    for (long i = 0; i < 50'000'000 && !stop.load(); ++i) {
      const RateHistory* h = published_.current();
      if (!h) continue;
      const auto usd = h->latest()->rates.at("USD").to_string();
      const bool whole = h->size() >= 2 && h->size() <= 3 &&
                         (usd == "1.1036" || usd == "1.0994" || usd == "1.0995");
      if (!whole) ++bad;
      ++reads;
      std::this_thread::yield();  // two cores: leave the refresher its share
    }
  };
  std::thread r1(reader), r2(reader);
  refresher.start();
  const auto& stats = refresher.stats().at(0);
  for (unsigned k = 1; k <= 10; ++k) {
    ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == k; })) << k;
    // A corrected publication of the same day: each fetch changes the history.
    server_.route(
        "eurofxref-daily.xml",
        FakeFeedServer::answer(200, ecb_daily("2024-10-04", k % 2 ? "1.0995" : "1.0994")));
    refresher.refresh_now();
  }
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 11; }));
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(stats.fetches_ok(), 11u);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(updates_.load(), 12);  // the stored history, then every fetch
  EXPECT_EQ(published_days(), 3u);
}

TEST_F(RefresherTest, TheFileProviderIsReadAtStartStoredAndReadAgainLater) {
  write_rates_file("2024-10-05", "5.4607");
  set_now(at("2024-10-05", 10));  // a Saturday: a file has no calendar
  Refresher refresher(options({file()}), publish());
  refresher.start();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  EXPECT_EQ(refresher.stats().at(0).fetches_ok(), 1u);
  EXPECT_EQ(refresher.stats().in_force(), 0);
  const auto h = published_.snapshot();
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->latest()->provider, "file");
  EXPECT_EQ(h->latest()->date.text(), "2024-10-05");
  EXPECT_EQ(h->latest()->base, "BRL");
  EXPECT_EQ(h->latest()->direction, PublishedDay::Direction::in_base);
  EXPECT_EQ(h->latest()->rates.at("USD").to_string(), "5.4607");
  EXPECT_EQ(RatesDb(store()).load("file").size(), 1u);
  EXPECT_EQ(refresher.planned("file")->at, at("2024-10-05", 10, 5));
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(RefresherTest, ABadFileIsAFailedFetchAndKeepsTheRates) {
  write_rates_file("2024-10-04", "5.4607");
  set_now(at("2024-10-05", 10));
  Refresher refresher(options({file()}), publish());
  refresher.start();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 1; }));
  const auto& stats = refresher.stats().at(0);
  const auto kept = published_.snapshot();
  const auto expect_refused = [&](std::uint64_t k, FetchFailure why) {
    refresher.refresh_now();  // SIGHUP
    ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == k; })) << k;
    EXPECT_EQ(stats.failures(why), 1u) << to_string(why);
    EXPECT_EQ(stats.fetches_failed(), k - 1);
    EXPECT_EQ(published_.snapshot(), kept);
    EXPECT_EQ(updates_.load(), 1);
    const auto retry = refresher.planned("file")->at;  // the backoff, at most 5 minutes
    EXPECT_GT(retry, at("2024-10-05", 10));
    EXPECT_LE(retry, at("2024-10-05", 10, 5));
  };
  write_rates_file(R"({"base":"BRL","as_of":"2024-10-05","quotes":)");
  expect_refused(2, FetchFailure::malformed);
  write_rates_file("2024-10-05", "9.5");  // USD x1.7 in a day
  expect_refused(3, FetchFailure::implausible);
  write_rates_file(std::string(1024 * 1024 + 1, ' '));  // over 1 MiB
  expect_refused(4, FetchFailure::too_large);
  std::filesystem::remove(rates_file());
  expect_refused(5, FetchFailure::unreadable);
  EXPECT_EQ(stats.fetches_ok(), 1u);
  EXPECT_EQ(RatesDb(store()).load("file").size(), 1u);
  write_rates_file("2024-10-05", "5.5");  // fixed: the next read takes it
  refresher.refresh_now();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 6; }));
  EXPECT_EQ(published_.snapshot()->latest()->rates.at("USD").to_string(), "5.5");
}

// --refresh ecb,file: the ECB normally; the operator's file once the ECB has been failing past
// --fallback-after; the ECB again as soon as it is back.
TEST_F(RefresherTest, TheFileIsTheLastResortWhileTheEcbIsOverdue) {
  seed_store("2024-10-04");  // Friday's ECB rates; Monday's were due at 14:00 UTC on the 7th
  write_rates_file("2024-10-08", "5.4607");
  server_.route("eurofxref-daily.xml", FakeFeedServer::answer(503, "down"));
  set_now(at("2024-10-08", 16));  // the ECB 26 hours overdue: past the 24h of fallback_after
  Refresher refresher(options({ecb(), file()}), publish());
  refresher.start();
  EXPECT_EQ(refresher.stats().in_force(), 0);  // no file day stored yet: old rates beat none
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 2; }));
  EXPECT_EQ(refresher.stats().at(0).failures(FetchFailure::http_status), 1u);
  EXPECT_EQ(refresher.stats().in_force(), 1);
  EXPECT_EQ(published_.snapshot()->latest()->provider, "file");
  EXPECT_EQ(published_.snapshot()->latest()->base, "BRL");

  server_.route("eurofxref-daily.xml",
                FakeFeedServer::answer(200, ecb_daily("2024-10-08", "1.0950")));
  refresher.refresh_now();
  ASSERT_TRUE(eventually([&] { return refresher.fetches_done() == 4; }));
  EXPECT_EQ(refresher.stats().at(0).fetches_ok(), 1u);
  EXPECT_EQ(refresher.stats().in_force(), 0);
  const auto h = published_.snapshot();
  EXPECT_EQ(h->latest()->provider, "ecb");
  EXPECT_EQ(h->latest()->date.text(), "2024-10-08");
  EXPECT_EQ(h->latest()->rates.at("USD").to_string(), "1.0950");
  EXPECT_EQ(RatesDb(store()).load("file").size(), 1u);  // kept, for the next outage
}

}  // namespace
}  // namespace conv::converter
