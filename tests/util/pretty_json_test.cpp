#include "conv/util/pretty_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace conv::util {
namespace {

namespace json = boost::json;

TEST(PrettyJson, OneMemberALineIndentedTwoSpaces) {
  const auto v = json::parse(R"({"a":1,"b":{"c":[true,null,"x"],"d":{},"e":[]}})");
  EXPECT_EQ(pretty_json(v), R"({
  "a": 1,
  "b": {
    "c": [
      true,
      null,
      "x"
    ],
    "d": {},
    "e": []
  }
}
)");
}

TEST(PrettyJson, EscapesStringsAndWritesShortDoubles) {
  json::object o;
  o["quote \" and \n"] = "tab\t\x01";
  o["share"] = 0.2;
  o["big"] = 1e300;
  o["whole"] = 3.0;
  const std::string text = pretty_json(o);
  EXPECT_NE(text.find(R"("quote \" and \n": "tab\t\u0001")"), std::string::npos) << text;
  EXPECT_NE(text.find("\"share\": 0.2,"), std::string::npos) << text;
  // Whatever the form, it reads back as the same value.
  EXPECT_EQ(json::serialize(json::parse(text)), json::serialize(o));
}

}  // namespace
}  // namespace conv::util
