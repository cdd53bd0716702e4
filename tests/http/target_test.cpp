#include "conv/http/target.hpp"

#include <gtest/gtest.h>

namespace conv::http {
namespace {

TEST(Target, SplitsPathAndQuery) {
  const auto t = parse_target("/v1/convert?amount=15.00&to=USD,EUR");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/convert");
  ASSERT_EQ(t->query.size(), 2u);
  EXPECT_EQ(t->query[0], (std::pair<std::string, std::string>{"amount", "15.00"}));
  EXPECT_EQ(t->query[1], (std::pair<std::string, std::string>{"to", "USD,EUR"}));
}

TEST(Target, DecodesEscapes) {
  const auto t = parse_target("/a%20b/%2E?k%3D=v%26w&plus=a+b&flag&&=x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a b/.");
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(t->query[0].first, "k=");
  EXPECT_EQ(t->query[0].second, "v&w");
  EXPECT_EQ(t->query[1].second, "a b");
  EXPECT_EQ(t->query[2].first, "flag");
  EXPECT_EQ(t->query[2].second, "");
  EXPECT_EQ(t->query[3].first, "");
  // '+' is a space only in the query.
  EXPECT_EQ(parse_target("/a+b")->path, "/a+b");
}

TEST(Target, RefusesMalformedTargets) {
  for (const char* bad : {"", "*", "http://x/", "x", "/%", "/%2", "/%zz", "/%00", "/?a=%G0"}) {
    EXPECT_FALSE(parse_target(bad).has_value()) << bad;
  }
}

TEST(Target, PercentDecodeEdges) {
  EXPECT_EQ(percent_decode("%41%62"), "Ab");
  EXPECT_EQ(percent_decode("100%"), std::nullopt);
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

}  // namespace
}  // namespace conv::http
