#include "conv/http/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace conv::http {
namespace {

TEST(Metrics, CountsByRouteAndStatusAcrossThreads) {
  Metrics m("x", {"none", "a", "b"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) {
        m.request_started();
        m.request_finished(1, 200, 0.0002);
        m.request_started();
        m.request_finished(2, 404, 0.2);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string out;
  m.render(out);
  EXPECT_NE(out.find("x_requests_total{route=\"a\",status=\"200\"} 4000\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("x_requests_total{route=\"b\",status=\"404\"} 4000\n"), std::string::npos);
  EXPECT_EQ(out.find("x_requests_total{route=\"none\""), std::string::npos);
  EXPECT_NE(out.find("x_request_duration_seconds_bucket{route=\"a\",le=\"0.00025\"} 4000\n"),
            std::string::npos);
  EXPECT_NE(out.find("x_request_duration_seconds_bucket{route=\"b\",le=\"0.1\"} 0\n"),
            std::string::npos);
  EXPECT_NE(out.find("x_request_duration_seconds_bucket{route=\"b\",le=\"0.5\"} 4000\n"),
            std::string::npos);
  EXPECT_NE(out.find("x_request_duration_seconds_count{route=\"b\"} 4000\n"), std::string::npos);
  EXPECT_NE(out.find("x_requests_in_flight 0\n"), std::string::npos);
}

TEST(Metrics, InFlightAndConnectionGauges) {
  Metrics m("x", {"none"});
  m.request_started();
  m.request_started();
  m.request_abandoned();
  m.connection_opened();
  std::string out;
  m.render(out);
  EXPECT_NE(out.find("x_requests_in_flight 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_connections_open 1\n"), std::string::npos);
}

TEST(Metrics, OutOfRangeRouteAndStatusAreClamped) {
  Metrics m("x", {"none", "a"});
  m.request_started();
  m.request_finished(99, 999, 0.001);
  std::string out;
  m.render(out);
  EXPECT_NE(out.find("x_requests_total{route=\"none\",status=\"599\"} 1\n"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace conv::http
