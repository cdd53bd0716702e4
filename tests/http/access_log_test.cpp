#include "conv/http/access_log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "fuzz/heap_meter.hpp"
#include "support/temp_dir.hpp"

namespace conv::http {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AccessLogLine, IsNginxCombinedPlusRequestTime) {
  std::string line;
  format_access_line(line, {"127.0.0.1", "GET /convertepradolareuro/15.0 HTTP/1.1", 200, 80, "",
                            "PostmanRuntime/7.42.0", "", 0.0004, "", ""});
  const std::regex combined(
      R"(127\.0\.0\.1 - - \[\d\d/[A-Z][a-z][a-z]/\d{4}:\d\d:\d\d:\d\d \+0000\] )"
      R"("GET /convertepradolareuro/15\.0 HTTP/1\.1" 200 80 "-" "PostmanRuntime/7\.42\.0" "-" rt=0\.000)");
  EXPECT_TRUE(std::regex_match(line, combined)) << line;
}

TEST(AccessLogLine, EscapesLikeNginxAndAppendsRequestIdAndRoleFields) {
  std::string line;
  format_access_line(line, {"::1", "", 400, 0, "a\"b", "x\\y\n\x80", "10.0.0.1", 1.23456,
                            "id \"1\"", "ua=\"127.0.0.1:5001\""});
  EXPECT_NE(line.find("] \"-\" 400 0 \"a\\x22b\" \"x\\x5Cy\\x0A\\x80\" \"10.0.0.1\" rt=1.235 "
                      "rid=\"id \\x221\\x22\" ua=\"127.0.0.1:5001\""),
            std::string::npos)
      << line;
}

// --log-format json: the same fields, one object per line, escaped as nginx's escape=json;
// the role's key="value" fields become fields of their own.
TEST(AccessLogLine, JsonHasTheSameFieldsEscaped) {
  std::string line;
  format_access_line(
      line,
      {"::1", "GET /a\"b HTTP/1.1", 502, 17, "", "x\\y\n\x01", "10.0.0.1", 1.23456, "abc-1",
       "ua=\"127.0.0.1:5001, 127.0.0.1:5002\" us=\"502, 502\" urt=\"0.001, 0.002\""},
      log::Format::json);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const std::regex shape(
      R"(\{"remote_addr":"::1","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",)"
      R"("request":"GET /a\\"b HTTP/1\.1","status":502,"body_bytes_sent":17,"http_referer":"",)"
      R"("http_user_agent":"x\\\\y\\n\\u0001","http_x_forwarded_for":"10\.0\.0\.1",)"
      R"("request_time":1\.235,"request_id":"abc-1","ua":"127\.0\.0\.1:5001, 127\.0\.0\.1:5002","us":"502, 502",)"
      R"("urt":"0\.001, 0\.002"\})");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("request").as_string(), "GET /a\"b HTTP/1.1");
  EXPECT_EQ(v.at("http_user_agent").as_string(), "x\\y\n\x01");
  EXPECT_EQ(v.at("status").as_int64(), 502);
}

TEST(AccessLogLine, JsonWithoutARequestLineOrExtraFields) {
  std::string line;
  format_access_line(line, {"127.0.0.1", "", 400, 0, "", "", "", 0, "", ""}, log::Format::json);
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("request").as_string(), "");
  EXPECT_EQ(v.at("request_id").as_string(), "");
  EXPECT_EQ(v.size(), 10u) << line;
}

// "off" is neither stdout ("-") nor a file named "off": with standard output redirected to a
// file and the working directory an empty one, writing, flushing and closing the log leave
// both empty.
TEST(AccessLog, OffWritesNothing) {
  const conv::testing::TempDir dir("conv-log-off");
  const std::string out_path = dir.file("stdout");
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(out, 0);
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(::chdir(dir.path().c_str()), 0);
  std::fflush(stdout);
  const int saved_stdout = ::dup(STDOUT_FILENO);
  ::dup2(out, STDOUT_FILENO);
  std::uint64_t dropped = 1;
  bool enabled = true;
  {
    auto log = AccessLog::open("off");
    enabled = log->enabled();
    for (int i = 0; i < 100; ++i) log->write("a line that must go nowhere");
    log->flush();
    dropped = log->dropped();
  }
  std::fflush(stdout);
  ::dup2(saved_stdout, STDOUT_FILENO);
  ::close(saved_stdout);
  ::close(out);
  ASSERT_EQ(::chdir(cwd), 0);
  EXPECT_FALSE(enabled);
  EXPECT_EQ(dropped, 0u);  // not written, and not counted as dropped either
  EXPECT_EQ(read_file(out_path), "");
  EXPECT_NE(::access(dir.file("off").c_str(), F_OK), 0) << "a file named off";
}

// Once a thread's buffers have grown to what it logs between drains, logging allocates
// nothing: a drain hands back an emptied buffer with its room, not a new one. (The heap
// meter needs the sanitizer runtime: the ASan build runs this, a plain build skips it.)
TEST(AccessLog, SteadyLoggingAllocatesNothing) {
  if (!fuzz::HeapMeter::enable()) GTEST_SKIP() << "no sanitizer allocator hooks";
  auto log = AccessLog::open("/dev/null");
  const std::string line(100, 'x');
  const auto burst = [&] {
    for (int i = 0; i < 2000; ++i) log->write(line);  // 200 KB: past the initial room
    log->flush();
  };
  for (int i = 0; i < 4; ++i) burst();  // both buffers (filling and written) have grown now
  fuzz::HeapMeter meter;
  meter.start();
  burst();
  // A buffer growing again would be 64 KiB or more; the runtime's stray small allocations
  // (another thread's) are not the log's.
  EXPECT_LT(meter.peak_growth(), 4096);
}

TEST(AccessLog, UnopenablePathThrows) {
  EXPECT_THROW(AccessLog::open("/nonexistent-dir/access.log"), std::system_error);
}

// Lines from many threads all arrive, whole, one per line.
TEST(AccessLog, ThreadsNeverInterleaveOrLoseLines) {
  char tmpl[] = "/tmp/conv-log-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string path = tmpl;
  {
    auto log = AccessLog::open(path);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 5000; ++i) {
          log->write("thread " + std::to_string(t) + " line " + std::to_string(i) + " " +
                     std::string(40, 'x'));
        }
      });
    }
    for (auto& th : threads) th.join();
    log->flush();
    EXPECT_EQ(log->dropped(), 0u);
  }
  std::istringstream in(read_file(path));
  std::string line;
  int lines = 0;
  std::vector<int> next(4, 0);
  const std::regex shape(R"(thread (\d) line (\d+) x{40})");
  while (std::getline(in, line)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, shape)) << line;
    const int t = std::stoi(m[1]);
    EXPECT_EQ(std::stoi(m[2]), next[t]) << "lines of one thread stay in order";
    next[t] = std::stoi(m[2]) + 1;
    ++lines;
  }
  EXPECT_EQ(lines, 20000);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace conv::http
