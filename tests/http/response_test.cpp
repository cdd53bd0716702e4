#include "conv/http/response.hpp"

#include <gtest/gtest.h>

#include "conv/http/error_response.hpp"
#include "conv/version.hpp"

namespace conv::http {
namespace {

std::string head_of(const std::string& wire) {
  return wire.substr(0, wire.find("\r\n\r\n") + 4);
}

TEST(Response, SerialisesStatusLineHeadersAndBody) {
  Response r;
  r.body = "{}\n";
  r.headers.emplace_back("Allow", "GET");
  std::string out;
  serialize_response(out, r, {"api1"}, 11, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("\r\nServer: conv/" + std::string(version()) + "\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Served-By: api1\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nAllow: GET\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 7), "\r\n\r\n{}\n");
}

// RFC 9110 8.6: a 204 (the converter's answer to OPTIONS) carries no Content-Length.
TEST(Response, A204HasNoContentLengthAndNoBody) {
  Response r;
  r.status = 204;
  r.body = "ignored";
  r.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
  std::string out;
  serialize_response(out, r, {}, 11, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n") << out;
  r.status = 200;
  out.clear();
  serialize_response(out, r, {}, 11, true, true);  // HEAD: the length, without the body
  EXPECT_NE(out.find("\r\nContent-Length: 7\r\n"), std::string::npos);
}

// A 304 (a read route's answer to a matching If-None-Match) has no body and no length.
TEST(Response, A304HasNoContentLengthAndNoBody) {
  Response r;
  r.status = 304;
  r.content_type.clear();
  r.headers.emplace_back("ETag", "\"abc\"");
  std::string out;
  serialize_response(out, r, {}, 11, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nETag: \"abc\"\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n") << out;
}

TEST(Response, ConnectionHeaderFollowsVersionAndKeepAlive) {
  Response r;
  std::string out;
  serialize_response(out, r, {}, 11, false, false);
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos);
  out.clear();
  serialize_response(out, r, {}, 10, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  out.clear();
  serialize_response(out, r, {}, 10, false, false);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
}

TEST(Response, HeadKeepsLengthDropsBody) {
  Response r;
  r.body = "12345";
  std::string out;
  serialize_response(out, r, {}, 11, true, true);
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(out, head_of(out));
}

TEST(Response, ErrorShapeIsOneForTheWholeApi) {
  const Response r = error_response(422, "bad_thing", "it is \"bad\"");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(
      r.body,
      "{\"error\":{\"status\":422,\"code\":\"bad_thing\",\"message\":\"it is \\\"bad\\\"\"}}\n");
}

TEST(Response, UnknownStatusStillHasAStatusLine) {
  Response r;
  r.status = 299;
  std::string out;
  serialize_response(out, r, {}, 11, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 299 ", 0), 0u);
}

}  // namespace
}  // namespace conv::http
