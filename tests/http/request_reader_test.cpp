#include "conv/http/request_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string_view>

namespace conv::http::detail {
namespace {

// Puts `bytes` into the reader as one read from the stream would.
void receive(RequestReader& reader, std::string_view bytes) {
  auto room = reader.prepare();
  ASSERT_GE(room.size(), bytes.size());
  std::memcpy(room.data(), bytes.data(), bytes.size());
  reader.commit(bytes.size());
}

RequestReader::HeaderStatus parse(RequestReader& reader) {
  std::optional<Response> failure;
  return reader.parse_header(failure);
}

// A reader with the default limits, ready for its first request, as a session starts one.
class RequestReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { reader.reset(); }
  const ServerOptions options;
  RequestReader reader{options};
};

TEST_F(RequestReaderTest, BetweenRequestsItHoldsNoParser) {
  EXPECT_FALSE(reader.has_request());
  EXPECT_FALSE(reader.header_done());
  EXPECT_FALSE(reader.done());
  receive(reader, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(parse(reader), RequestReader::HeaderStatus::complete);
  EXPECT_TRUE(reader.has_request());
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(reader.request().target(), "/a");
  reader.reset();
  EXPECT_FALSE(reader.has_request());
  EXPECT_FALSE(reader.header_done());
  EXPECT_FALSE(reader.done());
}

TEST_F(RequestReaderTest, AHeaderInPiecesKeepsOneParserUntilItIsComplete) {
  receive(reader, "GET /b HT");
  ASSERT_EQ(parse(reader), RequestReader::HeaderStatus::need_more);
  EXPECT_TRUE(reader.has_request());
  receive(reader, "TP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(parse(reader), RequestReader::HeaderStatus::complete);
  EXPECT_EQ(reader.request().target(), "/b");
}

TEST_F(RequestReaderTest, APipelinedRequestOutlivesTheResetOfThePreviousOne) {
  receive(reader, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(parse(reader), RequestReader::HeaderStatus::complete);
  EXPECT_EQ(reader.request().target(), "/1");
  reader.reset();
  EXPECT_GT(reader.buffered(), 0u);
  ASSERT_EQ(parse(reader), RequestReader::HeaderStatus::complete);
  EXPECT_EQ(reader.request().target(), "/2");
}

}  // namespace
}  // namespace conv::http::detail
