#include "conv/converter/handler.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>

#include "conv/converter/python_float.hpp"
#include "conv/converter/rates_db.hpp"
#include "golden.hpp"
#include "rates_fixture.hpp"
#include "support/temp_dir.hpp"

namespace conv::converter {
namespace {

namespace bhttp = boost::beast::http;

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest() : store_(""), metrics_("conv_http", ConverterHandler::route_names()) {
    store_.load();
    log_ = http::AccessLog::open("off");
    handler_ = std::make_unique<ConverterHandler>(store_, metrics_, *log_);
  }

  http::Response get(std::string target, bhttp::verb method = bhttp::verb::get,
                     std::initializer_list<std::pair<bhttp::field, std::string>> fields = {}) {
    http::RequestHeader req;
    req.method(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "x");
    for (const auto& [f, v] : fields) req.set(f, v);
    return handler_->respond(req);
  }

  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  RateStore store_;
  http::Metrics metrics_;
  std::unique_ptr<http::AccessLog> log_;
  std::unique_ptr<ConverterHandler> handler_;
};

TEST_F(HandlerTest, RoutesTheOriginalPath) {
  const auto r = get("/convertepradolareuro/15.0");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.route, ConverterHandler::legacy);
  EXPECT_EQ(r.body.size(), 80u);
}

// Each spelling is the original's answer for 15.0, byte for byte: compared with the known
// bytes, not with another call of the same handler (two 404s would be equal too).
TEST_F(HandlerTest, DecodesThePathAndIgnoresTheQueryOnTheOriginalRoute) {
  const std::string original =
      "{\"conversao\":{\"dolar\":2.9411764705882355,\"euro\":2.678571428571429,\"real\":15.0}}\n";
  for (const char* t : {"/convertepradolareuro/15.0", "/convertepradolareuro/15%2E0",
                        "/convertepradolareuro/15.0?x=1", "/convertepradolareuro/15%2e0?a=b&c"}) {
    const auto r = get(t);
    EXPECT_EQ(r.status, 200u) << t;
    EXPECT_EQ(r.route, ConverterHandler::legacy) << t;
    EXPECT_EQ(r.body, original) << t;
  }
}

TEST_F(HandlerTest, UnknownPathsAre404Json) {
  for (const char* t : {"/", "/nope", "/convertepradolareuro", "/convertepradolareuro/1.0/x",
                        "/v1/convert/", "/V1/rates"}) {
    const auto r = get(t);
    EXPECT_EQ(r.status, 404u) << t;
    EXPECT_EQ(r.body.rfind("{\"error\":{\"status\":404,\"code\":\"not_found\"", 0), 0u) << r.body;
  }
}

TEST_F(HandlerTest, EmptyAmountOnTheOriginalRouteIs400) {
  const auto r = get("/convertepradolareuro/");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("invalid_amount"), std::string::npos);
}

TEST_F(HandlerTest, BadTargetsAre400) {
  EXPECT_EQ(get("/convertepradolareuro/1%2").status, 400u);
  EXPECT_EQ(get("/convertepradolareuro/1%00").status, 400u);
  EXPECT_EQ(get("http://example.com/healthz").status, 400u);
  EXPECT_EQ(get("*").status, 400u);
}

TEST_F(HandlerTest, MethodsOtherThanGetHeadOptionsAre405WithAllow) {
  for (auto m : {bhttp::verb::post, bhttp::verb::put, bhttp::verb::delete_, bhttp::verb::patch}) {
    const auto r = get("/convertepradolareuro/15.0", m);
    EXPECT_EQ(r.status, 405u);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "Allow");
    EXPECT_EQ(r.headers[0].second, "GET, HEAD, OPTIONS");
    EXPECT_NE(r.body.find("method_not_allowed"), std::string::npos);
  }
  EXPECT_EQ(get("/convertepradolareuro/15.0", bhttp::verb::head).status, 200u);
  const auto opt = get("/v1/rates", bhttp::verb::options);
  EXPECT_EQ(opt.status, 204u);
  EXPECT_TRUE(opt.body.empty());
}

TEST_F(HandlerTest, V1RoutesParseTheQuery) {
  const auto r = get("/v1/convert?amount=15.00&from=BRL&to=USD%2CEUR");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.route, ConverterHandler::convert);
  EXPECT_NE(r.body.find("\"USD\":\"2.94\""), std::string::npos) << r.body;
  EXPECT_EQ(get("/v1/rates").route, ConverterHandler::rates);
  EXPECT_EQ(get("/v1/currencies").route, ConverterHandler::currencies);
}

// The /v1 read routes revalidate (ETag, 304) and answer browsers of any origin by default;
// the original route and the operations routes stay as they were.
TEST_F(HandlerTest, ReadRoutesAreCacheableAndReadableFromBrowsers) {
  const auto origin = std::pair{bhttp::field::origin, std::string("https://app.example")};
  for (const char* t : {"/v1/rates", "/v1/currencies", "/v1/convert?amount=1&_=123"}) {
    const auto r = get(t, bhttp::verb::get, {origin});
    ASSERT_EQ(r.status, 200u) << t << r.body;
    const std::string tag = header(r, "ETag");
    EXPECT_EQ(tag, entity_tag(r.body)) << t;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=300") << t;
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "*") << t;
    const auto again = get(t, bhttp::verb::get, {origin, {bhttp::field::if_none_match, tag}});
    EXPECT_EQ(again.status, 304u) << t;
    EXPECT_TRUE(again.body.empty()) << t;
    EXPECT_EQ(header(again, "ETag"), tag) << t;
  }
  for (const char* t : {"/convertepradolareuro/15.0", "/healthz", "/metrics"}) {
    const auto r = get(t, bhttp::verb::get, {origin});
    EXPECT_TRUE(r.headers.empty()) << t;
  }
  const auto pre = get("/v1/convert", bhttp::verb::options,
                       {origin, {bhttp::field::access_control_request_method, "GET"}});
  EXPECT_EQ(pre.status, 204u);
  EXPECT_EQ(header(pre, "Access-Control-Allow-Methods"), "GET, HEAD");
  const auto strict_off = get("/v1/rates?unknown=1");
  EXPECT_EQ(strict_off.status, 200u) << strict_off.body;
  ReadPolicy strict;
  strict.strict_params = true;
  handler_->set_read_policy(strict);
  EXPECT_EQ(get("/v1/rates?unknown=1").status, 400u);
}

TEST_F(HandlerTest, HealthAndReadiness) {
  EXPECT_EQ(get("/healthz").status, 200u);
  EXPECT_EQ(get("/readyz").status, 200u);
  handler_->set_draining();
  EXPECT_EQ(get("/healthz").status, 200u);
  const auto r = get("/readyz");
  EXPECT_EQ(r.status, 503u);
  EXPECT_NE(r.body.find("draining"), std::string::npos);
}

TEST_F(HandlerTest, MetricsAreInPrometheusTextFormat) {
  metrics_.request_started();
  metrics_.request_finished(ConverterHandler::legacy, 200, 0.0003);
  handler_->count_reload(false);
  const auto r = get("/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("conv_http_requests_total{route=\"legacy\",status=\"200\"} 1\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(
      r.body.find("conv_http_request_duration_seconds_bucket{route=\"legacy\",le=\"0.0005\"} 1\n"),
      std::string::npos);
  EXPECT_NE(r.body.find("conv_http_requests_in_flight 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("conv_rates_as_of_timestamp_seconds 1727913600\n"), std::string::npos);
  EXPECT_NE(r.body.find("conv_rates_reloads_total{result=\"failed\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

// A converter serving a provider's history: the ECB's, three days around a weekend.
class ProviderHandlerTest : public HandlerTest {
 protected:
  ProviderHandlerTest() {
    const std::string path = dir_.file("rates.db");
    RatesDb(path).save({published_day("2024-10-03", "USD=1.1036,BRL=6.0029"),
                        published_day("2024-10-04", "USD=1.0994,BRL=6.0119"),
                        published_day("2024-10-07", "USD=1.0976,BRL=6.1112")});
    provider_store_ = std::make_unique<RateStore>(RatesSource{"", path, "ecb", false});
    provider_store_->load();
    handler_ = std::make_unique<ConverterHandler>(*provider_store_, metrics_, *log_);
  }

  conv::testing::TempDir dir_{"conv-handler"};
  std::unique_ptr<RateStore> provider_store_;
};

TEST_F(ProviderHandlerTest, TheOriginalRouteKeepsItsOwnRates) {
  const auto r = get("/convertepradolareuro/15.0");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body,
            R"({"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}})"
            "\n");
}

TEST_F(ProviderHandlerTest, DatedRoutesAndTheTimeseries) {
  const auto r = get("/v1/convert?amount=100&from=USD&to=BRL&date=2024-10-05");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find(R"("results":{"BRL":"546.83"})"), std::string::npos) << r.body;
  const auto t = get("/v1/timeseries?start=2024-10-04&symbols=USD");
  ASSERT_EQ(t.status, 200u) << t.body;
  EXPECT_EQ(t.route, ConverterHandler::timeseries);
  EXPECT_NE(t.body.find(R"("2024-10-07":{"USD":"1.0976000000"})"), std::string::npos) << t.body;
}

TEST_F(ProviderHandlerTest, FrankfurtersPathsAtTheRootAndUnderV1) {
  const auto origin = std::pair{bhttp::field::origin, std::string("https://app.example")};
  for (const char* prefix : {"", "/v1"}) {
    const auto r = get(std::string(prefix) + "/latest?to=USD", bhttp::verb::get, {origin});
    ASSERT_EQ(r.status, 200u) << prefix << r.body;
    EXPECT_EQ(r.route, ConverterHandler::frankfurter);
    EXPECT_EQ(r.body, R"({"amount":1.0,"base":"EUR","date":"2024-10-07","rates":{"USD":1.0976}})"
                      "\n");
    EXPECT_EQ(header(r, "ETag"), entity_tag(r.body));
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(get(std::string(prefix) + "/2024-10-06").route, ConverterHandler::frankfurter);
    EXPECT_EQ(get(std::string(prefix) + "/2024-10-03..2024-10-04").status, 200u);
  }
  // /currencies is Frankfurter's shape; /v1/currencies stays conv's own.
  EXPECT_EQ(get("/currencies").body, R"({"BRL":"Brazilian real","EUR":"Euro","USD":"US dollar"})"
                                     "\n");
  EXPECT_EQ(get("/v1/currencies").route, ConverterHandler::currencies);
  for (const char* t : {"/nope", "/latest/x", "/v1/2024-10-0", "/2024-10-03/"}) {
    EXPECT_EQ(get(t).status, 404u) << t;
  }
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

TEST_F(ProviderHandlerTest, CachesUntilTheNextPublicationAndMarksOrRefusesStaleRates) {
  // Monday 7 October at 18:00 UTC, Monday's rates the latest: Tuesday's are due at 14:00 UTC
  // (16:00 in Frankfurt), in 20 hours.
  handler_->set_clock([] {
    return std::chrono::sys_days{std::chrono::year{2024} / 10 / 7} + std::chrono::hours(18);
  });
  auto r = get("/v1/rates?symbols=USD");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=72000");
  EXPECT_NE(r.body.find(R"("stale":false)"), std::string::npos) << r.body;
  // A past day's rates do not change.
  EXPECT_EQ(header(get("/v1/rates?date=2024-10-03"), "Cache-Control"), "public, max-age=86400");
  EXPECT_EQ(header(get("/2024-10-03..2024-10-04"), "Cache-Control"), "public, max-age=86400");

  // Wednesday 9 October at 21:00: Tuesday's rates are 31 hours overdue.
  handler_->set_clock([] {
    return std::chrono::sys_days{std::chrono::year{2024} / 10 / 9} + std::chrono::hours(21);
  });
  r = get("/v1/convert?amount=1&to=USD");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find(R"("stale":true)"), std::string::npos) << r.body;
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60");

  handler_->set_stale_policy({std::chrono::hours(6), true});
  for (const char* t : {"/v1/rates", "/v1/convert?amount=1", "/latest"}) {
    const auto refused = get(t);
    EXPECT_EQ(refused.status, 503u) << t;
    EXPECT_NE(refused.body.find("rates_stale"), std::string::npos) << t << refused.body;
  }
  EXPECT_EQ(get("/v1/rates?date=2024-10-04").status, 200u) << "a past day is never stale";
}

// A converter whose latest rates are Friday 4 October 2024's, on Monday at 21:00 UTC: Monday's
// were due at 14:00, 7 hours ago.
class OverdueHandlerTest : public HandlerTest {
 protected:
  OverdueHandlerTest() {
    const std::string path = dir_.file("rates.db");
    RatesDb(path).save({published_day("2024-10-03", "USD=1.1036,BRL=6.0029"),
                        published_day("2024-10-04", "USD=1.0994,BRL=6.0119")});
    provider_store_ = std::make_unique<RateStore>(RatesSource{"", path, "ecb", false});
    provider_store_->load();
    handler_ = std::make_unique<ConverterHandler>(*provider_store_, metrics_, *log_);
    handler_->set_clock([] {
      return std::chrono::sys_days{std::chrono::year{2024} / 10 / 7} + std::chrono::hours(21);
    });
  }

  conv::testing::TempDir dir_{"conv-handler"};
  std::unique_ptr<RateStore> provider_store_;
};

TEST_F(OverdueHandlerTest, TheWeekendAfterTheLatestDayIsHistoryNotStale) {
  auto r = get("/v1/rates?symbols=USD");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find(R"("stale":true)"), std::string::npos) << r.body;
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60");
  // Friday's rates are the weekend's for good (the ECB publishes nothing in between): a past
  // day's answer, as for a day stored after them.
  for (const char* t :
       {"/v1/rates?symbols=USD&date=2024-10-05", "/v1/convert?amount=1&to=USD&date=2024-10-06",
        "/v1/rates?symbols=USD&date=2024-10-04"}) {
    r = get(t);
    ASSERT_EQ(r.status, 200u) << t << r.body;
    EXPECT_NE(r.body.find(R"("as_of":"2024-10-04")"), std::string::npos) << t << r.body;
    EXPECT_NE(r.body.find(R"("stale":false)"), std::string::npos) << t << r.body;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=86400") << t;
  }
  // Monday's rates may still come: an answer for Monday is the latest's, stale.
  r = get("/v1/rates?symbols=USD&date=2024-10-07");
  EXPECT_NE(r.body.find(R"("stale":true)"), std::string::npos) << r.body;
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60");

  handler_->set_stale_policy({std::chrono::hours(6), true});
  for (const char* t : {"/v1/rates?date=2024-10-06", "/2024-10-05", "/v1/rates?date=2024-10-04"}) {
    r = get(t);
    EXPECT_EQ(r.status, 200u) << t << r.body;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=86400") << t;
  }
  EXPECT_EQ(get("/v1/rates?date=2024-10-07").status, 503u);
  EXPECT_EQ(get("/2024-10-07").status, 503u);
}

TEST_F(OverdueHandlerTest, ARangeEndingOnTheWeekendAfterTheLatestDayIsHistory) {
  for (const char* t : {"/v1/timeseries?start=2024-10-03&end=2024-10-06", "/2024-10-03..2024-10-06",
                        "/v1/timeseries?start=2024-10-03&end=2024-10-04"}) {
    const auto r = get(t);
    ASSERT_EQ(r.status, 200u) << t << r.body;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=86400") << t;
  }
  // Open, or up to Monday: Monday's rates would join them.
  for (const char* t : {"/v1/timeseries?start=2024-10-03", "/2024-10-03..",
                        "/v1/timeseries?start=2024-10-03&end=2024-10-07"}) {
    const auto r = get(t);
    ASSERT_EQ(r.status, 200u) << t << r.body;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60") << t;
  }
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

// A converter whose rates come only from live feeds, before the first fetch into an empty
// store: nothing has been published.
class NoRatesHandlerTest : public HandlerTest {
 protected:
  NoRatesHandlerTest() : empty_(RatesSource{"", "/nonexistent/rates.db", "ecb", false}) {
    handler_ = std::make_unique<ConverterHandler>(empty_, metrics_, *log_);
  }
  RateStore empty_;  // never loaded
};

TEST_F(NoRatesHandlerTest, RateRoutesAre503RatesNotLoaded) {
  for (const char* t : {"/v1/rates", "/v1/convert?amount=1&from=EUR&to=USD", "/v1/currencies",
                        "/v1/timeseries?start=2024-10-01", "/latest", "/v1/latest", "/2024-10-03",
                        "/2024-10-01..", "/currencies"}) {
    const auto r = get(t);
    EXPECT_EQ(r.status, 503u) << t;
    EXPECT_EQ(r.body.rfind("{\"error\":{\"status\":503,\"code\":\"rates_not_loaded\"", 0), 0u)
        << t << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json") << t;
  }
  EXPECT_EQ(get("/readyz").status, 503u);
  EXPECT_NE(get("/readyz").body.find("rates_not_loaded"), std::string::npos);
}

TEST_F(NoRatesHandlerTest, TheOriginalRouteAndTheRestStillAnswer) {
  const auto legacy = get("/convertepradolareuro/15.0");
  EXPECT_EQ(legacy.status, 200u);
  EXPECT_EQ(legacy.body,
            "{\"conversao\":{\"dolar\":2.9411764705882355,\"euro\":2.678571428571429,"
            "\"real\":15.0}}\n");
  EXPECT_EQ(get("/healthz").status, 200u);
  EXPECT_EQ(get("/v1/openapi.json").status, 200u);
  const auto metrics = get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.body.find("conv_rates_as_of_timestamp_seconds"), std::string::npos);
  for (const char* t : {"/nope", "/v1/nope", "/lates", "/2024-1-01"}) {
    EXPECT_EQ(get(t).status, 404u) << t;
  }
}

}  // namespace
}  // namespace conv::converter

namespace conv::converter {
namespace {

// What the original route answers for `real`, divided in doubles as the Flask app did.
std::string legacy_body(double real, double brl_per_usd, double brl_per_eur) {
  return "{\"conversao\":{\"dolar\":" + python_float(real / brl_per_usd) +
         ",\"euro\":" + python_float(real / brl_per_eur) + ",\"real\":" + python_float(real) +
         "}}\n";
}

// The original route with --legacy-rates follow, over a store the live feeds publish into (a
// catalog is put in force as the refresher does, without fetching).
class FollowHandlerTest : public HandlerTest {
 protected:
  FollowHandlerTest() : live_(RatesSource{"", "/nonexistent/rates.db", "ecb", false}) {
    handler_ = std::make_unique<ConverterHandler>(live_, metrics_, *log_);
    handler_->set_legacy_rates(LegacyRates::follow);
  }
  void publish(std::vector<PublishedDay> days) {
    live_.publish(catalog_from_days(std::move(days)));
  }

  // The rate /v1/rates shows for one `from` in BRL, read as Python's float() reads it.
  double shown_brl_per(const std::string& from) {
    const auto r = get("/v1/rates?base=" + from + "&symbols=BRL");
    EXPECT_EQ(r.status, 200u) << r.body;
    const auto rate = boost::json::parse(r.body).at("rates").at("BRL").as_string();
    return std::strtod(std::string(rate).c_str(), nullptr);
  }
  static std::string error_code(const http::Response& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
  }

  RateStore live_;
};

const std::string kOriginalBody =
    "{\"conversao\":{\"dolar\":2.9411764705882355,\"euro\":2.678571428571429,\"real\":15.0}}\n";

// ECB: base EUR, per_base. BRL per EUR is the BRL quote; BRL per USD the exact cross rate
// 6.1112 / 1.0976, rounded to 10 places as /v1/rates shows it (5.5677842566).
TEST_F(FollowHandlerTest, FollowsAnEcbDayThroughItsCrossRates) {
  publish({published_day("2024-10-04", "USD=1.0994,BRL=6.0119"),
           published_day("2024-10-07", "USD=1.0976,BRL=6.1112")});
  const double usd = shown_brl_per("USD");
  const double eur = shown_brl_per("EUR");
  EXPECT_EQ(usd, 5.5677842566);
  EXPECT_EQ(eur, 6.1112);
  const auto r = get("/convertepradolareuro/15.0");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.route, ConverterHandler::legacy);
  EXPECT_EQ(r.body, legacy_body(15.0, usd, eur));
  // Python: 15.0 / 5.5677842566, 15.0 / 6.1112.
  EXPECT_EQ(r.body,
            "{\"conversao\":{\"dolar\":2.694069904418286,\"euro\":2.454509752585417,"
            "\"real\":15.0}}\n");
  EXPECT_EQ(get("/convertepradolareuro/0.1").body, legacy_body(0.1, usd, eur));
}

// PTAX: base BRL, in_base: the quotes are BRL per USD and per EUR already.
TEST_F(FollowHandlerTest, FollowsAPtaxDay) {
  publish({published_day("2024-10-07", "USD=5.4515,EUR=5.9823", "bcb_ptax")});
  EXPECT_EQ(get("/convertepradolareuro/15.0").body, legacy_body(15.0, 5.4515, 5.9823));
  EXPECT_EQ(get("/convertepradolareuro/15.0").body,
            "{\"conversao\":{\"dolar\":2.7515362744198844,\"euro\":2.5073968206208312,"
            "\"real\":15.0}}\n");
}

// The rates of the latest day only, made anew with each catalog the feeds publish.
TEST_F(FollowHandlerTest, FollowsEachNewCatalog) {
  publish({published_day("2024-10-07", "USD=5.4515,EUR=5.9823", "bcb_ptax")});
  publish({published_day("2024-10-07", "USD=5.4515,EUR=5.9823", "bcb_ptax"),
           published_day("2024-10-08", "USD=5,EUR=4", "bcb_ptax")});
  EXPECT_EQ(get("/convertepradolareuro/10.0").body,
            "{\"conversao\":{\"dolar\":2.0,\"euro\":2.5,\"real\":10.0}}\n");
}

TEST_F(FollowHandlerTest, ALatestDayWithoutBrlUsdOrEurIs503RatesUnavailable) {
  for (auto day : {published_day("2024-10-07", "USD=1.0976,JPY=163.59"),
                   published_day("2024-10-07", "USD=5.4515", "bcb_ptax")}) {
    publish({published_day("2024-10-04", "USD=1.0994,BRL=6.0119"), std::move(day)});
    const auto r = get("/convertepradolareuro/15.0");
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(error_code(r), "rates_unavailable");
    EXPECT_EQ(r.route, ConverterHandler::legacy);
    EXPECT_EQ(get("/convertepradolareuro/abc").status, 400u);  // the amount is checked first
  }
}

TEST_F(FollowHandlerTest, BeforeAnyRatesIs503RatesNotLoaded) {
  const auto r = get("/convertepradolareuro/15.0");
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(error_code(r), "rates_not_loaded");
  EXPECT_EQ(r.route, ConverterHandler::legacy);
  EXPECT_EQ(get("/convertepradolareuro/15.0/x").status, 404u);
}

// Fixed, the default: a provider's rates change nothing, the original's bytes stay.
TEST_F(FollowHandlerTest, FixedKeepsTheOriginalRatesWhateverIsPublished) {
  handler_->set_legacy_rates(LegacyRates::fixed);
  EXPECT_EQ(get("/convertepradolareuro/15.0").body, kOriginalBody);  // none published yet
  publish({published_day("2024-10-07", "USD=1.0976,BRL=6.1112")});
  EXPECT_EQ(get("/convertepradolareuro/15.0").body, kOriginalBody);
  publish({published_day("2024-10-07", "USD=5.4515,EUR=5.9823", "bcb_ptax")});
  EXPECT_EQ(get("/convertepradolareuro/15.0").body, kOriginalBody);
}

// Following the built-in rates or a BRL-based rates file is the same as fixed: their own
// USD and EUR quotes, exactly as given.
TEST_F(HandlerTest, FollowingTheBuiltInRatesOrABrlFileIsFixed) {
  handler_->set_legacy_rates(LegacyRates::follow);
  EXPECT_EQ(get("/convertepradolareuro/15.0").body, kOriginalBody);
  const auto golden = conv::testing::read_golden(CONV_TEST_DATA_DIR "/legacy_bodies.tsv");
  ASSERT_GT(golden.size(), 500u);
  for (const auto& [valor, body] : golden) {
    EXPECT_EQ(get("/convertepradolareuro/" + valor).body, body + "\n") << valor;
  }
  RateStore file("");
  file.publish(std::make_shared<const RatesCatalog>(
      std::vector<RateTable>{parse_rates(R"({"base":"BRL","as_of":"2024-10-03","source":"s",)"
                                         R"("quotes":{"USD":"5.123456789012345","EUR":"4"}})")}));
  ConverterHandler follow(file, metrics_, *log_);
  follow.set_legacy_rates(LegacyRates::follow);
  ConverterHandler fixed(file, metrics_, *log_);
  http::RequestHeader req;
  req.method(bhttp::verb::get);
  req.target("/convertepradolareuro/10.0");
  EXPECT_EQ(follow.respond(req).body, fixed.respond(req).body);
  EXPECT_EQ(follow.respond(req).body, legacy_body(10.0, 5.123456789012345, 4.0));
}

}  // namespace
}  // namespace conv::converter
