#include "conv/log/logger.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <regex>
#include <string>

namespace conv::log {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-12-02T19:21:50.123Z
const system_clock::time_point kWhen = system_clock::time_point(milliseconds(1796239310123));

TEST(LogLine, TextHasTimeLevelRoleAndMessage) {
  EXPECT_EQ(format_line(kWhen, Level::warn, "conv balancer", "upstream a:1 is down", Format::text),
            "2026-12-02T19:21:50.123Z warn conv balancer: upstream a:1 is down\n");
}

TEST(LogLine, TimeIsIso8601UtcWithMilliseconds) {
  EXPECT_EQ(iso8601_ms(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(system_clock::time_point(milliseconds(1'000'000'000'007))),
            "2001-09-09T01:46:40.007Z");
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(iso8601_ms(system_clock::now()), iso));
}

TEST(LogLine, JsonIsOneObjectWithTheSameFields) {
  const std::string line = format_line(kWhen, Level::info, "conv converter",
                                       "listening on 127.0.0.1:5001", Format::json);
  EXPECT_EQ(line,
            "{\"time\":\"2026-12-02T19:21:50.123Z\",\"level\":\"info\",\"role\":\"conv converter\","
            "\"msg\":\"listening on 127.0.0.1:5001\"}\n");
}

// A message from outside (an exception's text, a file name) stays on its one line in both
// forms: quotes, backslashes, newlines and other control bytes are escaped.
TEST(LogLine, JsonEscapesQuotesNewlinesAndControlBytes) {
  const std::string message = "bad \"file\"\\ here\nsecond line\r\t\x01\x1f end";
  const std::string line = format_line(kWhen, Level::error, "conv balancer", message, Format::json);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_NE(line.find(R"(bad \"file\"\\ here\nsecond line\r\t\u0001\u001f end)"), std::string::npos)
      << line;
  const auto value = boost::json::parse(line);  // valid JSON, and the message round-trips
  EXPECT_EQ(value.at("msg").as_string(), message);
  EXPECT_EQ(value.at("level").as_string(), "error");
}

TEST(LogLine, TextEscapesNewlinesAndControlBytes) {
  const std::string line =
      format_line(kWhen, Level::error, "conv converter", "a \"b\"\nc\r\x01", Format::text);
  EXPECT_EQ(line, "2026-12-02T19:21:50.123Z error conv converter: a \"b\"\\nc\\r\\x01\n");
}

TEST(LogLevel, ParsesTheFourLevelsAndTheTwoFormats) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_level("info"), Level::info);
  EXPECT_EQ(parse_level("warn"), Level::warn);
  EXPECT_EQ(parse_level("error"), Level::error);
  EXPECT_FALSE(parse_level("warning"));
  EXPECT_FALSE(parse_level("INFO"));
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_FALSE(parse_format("logfmt"));
}

// What write() puts on the log's descriptor: only the lines at or above the level, each whole.
class LogWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(fds_), 0);
    saved_ = set_fd(fds_[1]);
  }
  void TearDown() override {
    set_fd(saved_);
    ::close(fds_[0]);
    ::close(fds_[1]);
    configure("conv", {});
  }
  std::string written() {
    ::close(fds_[1]);
    fds_[1] = ::dup(saved_);  // TearDown closes something harmless
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds_[0], buf, sizeof buf)) > 0;) out.append(buf, n);
    return out;
  }
  int fds_[2] = {-1, -1};
  int saved_ = -1;
};

TEST_F(LogWrite, DropsLinesBelowTheLevel) {
  configure("conv converter", {Level::warn, Format::text});
  EXPECT_FALSE(enabled(Level::info));
  EXPECT_TRUE(enabled(Level::error));
  debug() << "d";
  info() << "i";
  warn() << "w " << 1;
  error() << "e " << 2;
  const std::string out = written();
  const std::regex two(R"(\S+Z warn conv converter: w 1\n\S+Z error conv converter: e 2\n)");
  EXPECT_TRUE(std::regex_match(out, two)) << out;
}

TEST_F(LogWrite, DebugShowsEverythingAsJson) {
  configure("conv balancer", {Level::debug, Format::json});
  debug() << "d";
  info() << "i";
  const std::string out = written();
  EXPECT_NE(out.find("\"level\":\"debug\",\"role\":\"conv balancer\",\"msg\":\"d\"}\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"level\":\"info\",\"role\":\"conv balancer\",\"msg\":\"i\"}\n"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace conv::log
