#include "conv/balancer/proxy/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace conv::balancer {
namespace {

TEST(RequestId, KeepsOnlyIdsThatCannotBreakALogLine) {
  for (const char* ok : {"a", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                         "dGVzdA==", "abc_123.x:y/z+w"}) {
    EXPECT_TRUE(valid_request_id(ok)) << ok;
  }
  EXPECT_TRUE(valid_request_id(std::string(128, 'x')));
  for (const char* bad :
       {"", "a b", "a\"b", "a\nb", "a\tb", "a\\b", "é", "a;b", "<script>", "a,b"}) {
    EXPECT_FALSE(valid_request_id(bad)) << bad;
  }
  EXPECT_FALSE(valid_request_id(std::string(129, 'x')));
}

TEST(RequestId, MakesVersion4UuidsThatDoNotRepeat) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = make_request_id();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_TRUE(valid_request_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TraceParent, ParsesVersion00AndRefusesWhatTheSpecSaysToIgnore) {
  const std::string good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto t = parse_traceparent(good);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text(), good);
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // short
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // uppercase
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace ID
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent ID
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 with more
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
  }
  // A later version may append fields; its first four are read as version 00's.
  const auto later =
      parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-ab");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->text(), good);
}

TEST(TraceParent, AChildKeepsTheTraceAndFlagsWithANewSpan) {
  const auto t = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const auto a = t.child();
  const auto b = t.child();
  EXPECT_EQ(a.trace_id, t.trace_id);
  EXPECT_EQ(a.flags, t.flags);
  EXPECT_NE(a.parent_id, t.parent_id);
  EXPECT_NE(a.parent_id, b.parent_id);
  EXPECT_TRUE(parse_traceparent(a.text()));
}

}  // namespace
}  // namespace conv::balancer
