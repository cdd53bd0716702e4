#include "conv/balancer/proxy/upstream_log.hpp"

#include <gtest/gtest.h>

namespace conv::balancer {
namespace {

using std::chrono::milliseconds;

TEST(UpstreamLog, WithoutAttemptsEveryFieldIsADash) {
  EXPECT_EQ(UpstreamLog().text(), R"(ua="-" us="-" urt="-")");
}

TEST(UpstreamLog, OneEntryPerAttemptInOrder) {
  UpstreamLog log;
  log.record("127.0.0.1:8001", 502, milliseconds(1));
  log.record("127.0.0.1:8002", 200, milliseconds(1234));
  EXPECT_EQ(log.text(), R"(ua="127.0.0.1:8001, 127.0.0.1:8002" us="502, 200" urt="0.001, 1.234")");
}

}  // namespace
}  // namespace conv::balancer
