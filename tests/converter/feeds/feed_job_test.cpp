#include "conv/converter/feeds/feed_job.hpp"

#include <gtest/gtest.h>

#include "conv/converter/feeds/ptax_source.hpp"
#include "converter/feeds/fake_feed_server.hpp"
#include "converter/feeds/feed_fixture.hpp"

namespace conv::converter {
namespace {

using namespace std::chrono_literals;
using conv::testing::FakeFeedServer;

const char* kEurDay =
    R"({"value":[{"cotacaoVenda":6.0135,"dataHoraCotacao":"2024-10-03 13:09:27.853",)"
    R"("tipoBoletim":"Fechamento"}]})";

// One job for USD and EUR on an io_context of its own, run to its end.
FeedJobResult run_job(FakeFeedServer& server) {
  boost::asio::io_context ctx;
  FetchSettings settings;
  settings.timeout = 2s;
  FeedFetcher fetcher(ctx, settings);
  const auto ptax =
      std::make_shared<PtaxSource>(std::vector<std::string>{"USD", "EUR"}, server.base_url());
  std::optional<FeedJobResult> result;
  run_feed_job(fetcher, ptax, ptax->latest(*Date::parse("2024-10-03")),
               [&](FeedJobResult r) { result = std::move(r); });
  ctx.run();
  return result.value_or(FeedJobResult{});
}

TEST(FeedJob, UnitesTheAnswersOfEveryRequestByDay) {
  FakeFeedServer server;
  server.route("'USD'", FakeFeedServer::answer(200, feed_fixture("ptax-usd-2024-10-02.json")));
  server.route("'EUR'", FakeFeedServer::answer(200, kEurDay));
  const auto r = run_job(server);
  ASSERT_FALSE(r.failure) << r.detail;
  ASSERT_EQ(r.days.size(), 2u);
  EXPECT_EQ(r.days[0].rates.size(), 1u);  // 2 October: USD only
  EXPECT_EQ(r.days[1].rates.size(), 2u);  // 3 October: USD and EUR
  EXPECT_EQ(r.days[1].rates.at("EUR").to_string(), "6.0135");
  const auto targets = server.targets();
  ASSERT_EQ(targets.size(), 2u);  // one after the other, in the configured order
  EXPECT_NE(targets[0].find("'USD'"), std::string::npos);
  EXPECT_NE(targets[1].find("'EUR'"), std::string::npos);
}

TEST(FeedJob, OneFailedRequestFailsTheWholeFetch) {
  FakeFeedServer server;
  server.route("'USD'", FakeFeedServer::answer(200, feed_fixture("ptax-usd-2024-10-02.json")));
  server.route("'EUR'", FakeFeedServer::answer(503, "busy"));
  const auto r = run_job(server);
  EXPECT_EQ(r.failure, FetchFailure::http_status);
  EXPECT_TRUE(r.days.empty());
  EXPECT_NE(r.detail.find("'EUR'"), std::string::npos) << r.detail;
}

TEST(FeedJob, TheFirstFailureEndsTheJob) {
  FakeFeedServer server;
  server.route("'USD'", FakeFeedServer::answer(200, "{\"error\": \"maintenance\"}"));
  server.route("'EUR'", FakeFeedServer::answer(200, kEurDay));
  const auto r = run_job(server);
  EXPECT_EQ(r.failure, FetchFailure::malformed);
  EXPECT_EQ(server.targets().size(), 1u);
}

}  // namespace
}  // namespace conv::converter
