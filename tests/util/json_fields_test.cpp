#include "conv/util/json_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace conv::util {
namespace {

TEST(JsonFields, WritesEachKindOfFieldOnOneLine) {
  std::string out = "x";
  JsonFields(out)
      .string("s", "a\"b\\c\n\x01\xc3\xa9")
      .number("n", 12.5)
      .integer("i", 18446744073709551615ull)
      .boolean("b", false)
      .raw("r", "null")
      .close();
  EXPECT_EQ(out,
            "x{\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\",\"n\":12.5,\"i\":18446744073709551615,"
            "\"b\":false,\"r\":null}");
  EXPECT_TRUE(boost::json::parse(out.substr(1)).is_object());
}

TEST(JsonFields, AnEmptyObjectIsBraces) {
  std::string out;
  JsonFields(out).close();
  EXPECT_EQ(out, "{}");
}

// Plain decimals rounded to 3 places: never an exponent for the values the admin API shows.
TEST(JsonFields, NumbersArePlainDecimalsOfAtMostThreePlaces) {
  const auto text = [](double v) {
    std::string out;
    append_json_number(out, v);
    return out;
  };
  EXPECT_EQ(text(12.5), "12.5");
  EXPECT_EQ(text(0.12345), "0.123");
  EXPECT_EQ(text(0.0004), "0");
  EXPECT_EQ(text(1234567.0), "1234567");
  EXPECT_EQ(text(-2.0005), "-2.001");
  EXPECT_EQ(text(-0.0001), "0");
}

}  // namespace
}  // namespace conv::util

namespace conv::util {
namespace {

// Plain strings take a fast path; everything else the serializer's escaping.
TEST(JsonFields, EachCharacterThatNeedsEscapingIsEscaped) {
  const auto one = [](std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
  };
  EXPECT_EQ(one("USD 1.0994-_:/"), "\"USD 1.0994-_:/\"");
  EXPECT_EQ(one(""), "\"\"");
  EXPECT_EQ(one("\""), "\"\\\"\"");
  EXPECT_EQ(one("\\"), "\"\\\\\"");
  EXPECT_EQ(one("\x1f"), "\"\\u001f\"");
  EXPECT_EQ(one("\t"), "\"\\t\"");
  EXPECT_EQ(one("\x7f"), "\"\x7f\"");          // DEL is valid JSON as it is
  EXPECT_EQ(one("\xc3\xa9"), "\"\xc3\xa9\"");  // UTF-8 passes through
}

}  // namespace
}  // namespace conv::util
