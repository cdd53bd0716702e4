// JSON texts as people write configuration: comments and trailing commas, errors with their
// line and column, duplicate keys.

#include "conv/util/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace conv::util {
namespace {

// The error parse_json_text throws for `text` ("" if none).
std::string error_of(std::string_view text) {
  try {
    parse_json_text(text);
  } catch (const JsonTextError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonTextTest, CommentsAndTrailingCommasAreAccepted) {
  const auto v = parse_json_text(R"({
    // the listener
    "listen": "127.0.0.1:5000", /* inline */
    "upstreams": ["a:1", "b:2",],
  })");
  EXPECT_EQ(boost::json::serialize(v), R"({"listen":"127.0.0.1:5000","upstreams":["a:1","b:2"]})");
}

TEST(JsonTextTest, BuildsTheSameValueAsBoostJsonParse) {
  const std::string text =
      R"({"n": -3, "big": 18446744073709551615, "d": 1.5e3, "t": true, "f": false, "z": null,)"
      R"( "s": "a\"b\u00e9\n", "a": [[], {}, [1, [2, {"k": "v"}]]], "e": {}})";
  EXPECT_EQ(parse_json_text(text), boost::json::parse(text));
}

TEST(JsonTextTest, ASyntaxErrorNamesItsLineAndColumn) {
  const std::string text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
  try {
    parse_json_text(text);
    FAIL() << "accepted";
  } catch (const JsonTextError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.column(), 8u);  // the ']'
    EXPECT_TRUE(std::string(e.what()).starts_with("3:8: not valid JSON")) << e.what();
  }
  EXPECT_TRUE(error_of("").starts_with("1:1: not valid JSON")) << error_of("");
  EXPECT_EQ(error_of("{\"a\": 1}\n{"), "2:1: not valid JSON: more after the value");
  EXPECT_EQ(error_of("{\"a\": 1}\n  // the end\n\n"), "");
}

TEST(JsonTextTest, AKeyGivenTwiceInOneObjectIsAnError) {
  EXPECT_EQ(error_of("{\"timeouts\": {\"connect\": 1,\n \"connect\": 2}}"),
            "2:2: duplicate key \"connect\"");
  // The same key once spelt with an escape is the same key.
  EXPECT_EQ(error_of(R"({"ab": 1, "a\u0062": 2})"), "1:11: duplicate key \"ab\"");
}

TEST(JsonTextTest, TheSameKeyInDifferentObjectsIsFine) {
  EXPECT_EQ(error_of(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]})"), "");
  EXPECT_EQ(error_of(R"({"a": {"a": {"a": 1}}})"), "");
}

}  // namespace
}  // namespace conv::util
