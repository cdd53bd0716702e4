#include "conv/converter/feeds/feed_fetcher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "converter/feeds/fake_feed_server.hpp"
#include "converter/feeds/feed_fixture.hpp"
#include "support/test_certs.hpp"
#include "support/tls_upstream.hpp"

namespace conv::converter {
namespace {

using namespace std::chrono_literals;
using conv::testing::FakeFeedServer;

// One fetch on an io_context of its own; every operation ends by the fetch's deadline.
FetchResult fetch(const std::string& url, FetchSettings settings = {}) {
  boost::asio::io_context ctx;
  FeedFetcher fetcher(ctx, std::move(settings));
  std::optional<FetchResult> result;
  fetcher.fetch(url, [&](FetchResult r) { result = std::move(r); });
  EXPECT_FALSE(result);  // never inside fetch()
  ctx.run();
  return result.value_or(FetchResult{});
}

FetchSettings quick() {
  FetchSettings s;
  s.timeout = 2s;
  return s;
}

TEST(FeedFetcher, ReturnsTheBodyOfA2xxAnswer) {
  FakeFeedServer server;
  const std::string xml = feed_fixture("eurofxref-daily.xml");
  server.route("eurofxref-daily.xml", FakeFeedServer::answer(200, xml));
  const auto r = fetch(server.base_url() + "eurofxref-daily.xml", quick());
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body, xml);
  EXPECT_EQ(server.targets(), std::vector<std::string>{"/eurofxref-daily.xml"});
  const std::string head = server.heads().at(0);
  EXPECT_NE(head.find("\r\nUser-Agent: conv-rates/"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nHost: 127.0.0.1:"), std::string::npos) << head;
}

TEST(FeedFetcher, AnotherStatusIsAnHttpStatusFailure) {
  FakeFeedServer server;
  server.route("x", FakeFeedServer::answer(500, "oops"));
  const auto r = fetch(server.base_url() + "x", quick());
  EXPECT_EQ(r.failure, FetchFailure::http_status);
  EXPECT_EQ(r.detail, "HTTP 500");
  EXPECT_TRUE(r.body.empty());
}

TEST(FeedFetcher, NamesEachTransportFailure) {
  EXPECT_EQ(
      fetch("http://127.0.0.1:" + std::to_string(conv::testing::closed_port()) + "/x", quick())
          .failure,
      FetchFailure::connect_refused);
  FakeFeedServer server;
  server.hold("silent");
  auto settings = quick();
  settings.timeout = 300ms;
  EXPECT_EQ(fetch(server.base_url() + "silent", settings).failure, FetchFailure::timeout);
  server.route("cut", FakeFeedServer::truncated("<Cube>"));
  EXPECT_EQ(fetch(server.base_url() + "cut", quick()).failure, FetchFailure::reset);
  server.route("big", FakeFeedServer::answer(200, std::string(2000, 'x')));
  settings = quick();
  settings.max_body = 1000;
  EXPECT_EQ(fetch(server.base_url() + "big", settings).failure, FetchFailure::too_large);
  EXPECT_EQ(fetch("ftp://127.0.0.1/x", quick()).failure, FetchFailure::resolve);
}

TEST(FeedFetcher, FetchesOverTlsAndRefusesAnUntrustedServer) {
  const auto& certs = conv::testing::TestCerts::get();
  conv::testing::TlsUpstream server(
      {certs.path("server.pem"), certs.path("server.key"), "", false});
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port) + "/feed.xml";
  auto settings = quick();
  settings.tls.ca_file = certs.path("ca.pem");
  const auto trusted = fetch(url, settings);
  EXPECT_TRUE(trusted.ok()) << trusted.detail;
  EXPECT_EQ(trusted.body, "tls upstream: /feed.xml\n");
  const auto untrusted = fetch(url, quick());  // the system's CAs never signed the test CA
  EXPECT_EQ(untrusted.failure, FetchFailure::tls);
  EXPECT_NE(untrusted.detail.find("certificate verify failed"), std::string::npos)
      << untrusted.detail;
}

TEST(FeedFetcher, AFileUrlIsReadFromDiskWithItsOwnLimit) {
  const std::string path = ::testing::TempDir() + "conv-feed-fetcher-file.json";
  std::ofstream(path) << "{}";
  const auto r = fetch("file://" + path);  // posted on the io_context, as an answer is
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body, "{}");
  FetchSettings tiny;
  tiny.max_file = 1;
  EXPECT_EQ(fetch("file://" + path, tiny).failure, FetchFailure::too_large);
  std::filesystem::remove(path);
  EXPECT_EQ(fetch("file://" + path).failure, FetchFailure::unreadable);
}

}  // namespace
}  // namespace conv::converter
