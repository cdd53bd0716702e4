#include "conv/converter/read_policy.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

namespace bhttp = boost::beast::http;

http::RequestHeader request(std::initializer_list<std::pair<bhttp::field, std::string>> fields,
                            bhttp::verb method = bhttp::verb::get) {
  http::RequestHeader r;
  r.method(method);
  r.target("/v1/rates");
  r.version(11);
  for (const auto& [f, v] : fields) r.insert(f, v);
  return r;
}

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

http::Response ok(std::string body = "{\"rates\":{}}\n") {
  http::Response r;
  r.body = std::move(body);
  return r;
}

TEST(EntityTag, IsAQuotedHashOfTheBody) {
  const std::string a = entity_tag("{\"a\":1}");
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_EQ(a, entity_tag("{\"a\":1}"));
  EXPECT_NE(a, entity_tag("{\"a\":2}"));
}

TEST(NoneMatch, ComparesWeaklyOverAList) {
  const std::string tag = "\"0123456789abcdef\"";
  EXPECT_TRUE(none_match(tag, tag));
  EXPECT_TRUE(none_match("W/" + tag, tag));
  EXPECT_TRUE(none_match("\"other\", " + tag, tag));
  EXPECT_TRUE(none_match("\"other\",W/" + tag + " ,", tag));
  EXPECT_TRUE(none_match("*", tag));
  EXPECT_FALSE(none_match("\"other\"", tag));
  EXPECT_FALSE(none_match("", tag));
  EXPECT_FALSE(none_match("0123456789abcdef", tag));  // unquoted: not the tag
  EXPECT_FALSE(none_match("\"0123456789abcdef", tag));
  // A list that ends in a bare W/ (a client's or an attacker's): no tag, and no read past it.
  EXPECT_FALSE(none_match("W/", tag));
  EXPECT_FALSE(none_match("\"other\", W/", tag));
}

TEST(ValidOrigin, IsASchemeAHostAndAnOptionalPort) {
  for (const char* good : {"https://app.example", "http://localhost:3000", "https://[::1]:8443",
                           "http://127.0.0.1", "https://[::1]"}) {
    EXPECT_TRUE(valid_origin(good)) << good;
  }
  for (const char* bad : {"app.example", "https://", "https://app.example/", "ftp://a.example",
                          "https://a b", "https://app.example:x", "null"}) {
    EXPECT_FALSE(valid_origin(bad)) << bad;
  }
}

TEST(FinishReadAnswer, A200GetsAValidatorAndAnAge) {
  ReadPolicy p;
  p.set_max_age(std::chrono::seconds(60));
  http::Response r = ok();
  finish_read_answer(r, request({}), p);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(header(r, "ETag"), entity_tag("{\"rates\":{}}\n"));
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "");  // no Origin, no CORS
  EXPECT_EQ(header(r, "Vary"), "");                         // every origin allowed
}

TEST(FinishReadAnswer, AMatchingIfNoneMatchGetsA304WithoutABody) {
  const std::string tag = entity_tag("{\"rates\":{}}\n");
  http::Response r = ok();
  finish_read_answer(r, request({{bhttp::field::if_none_match, "\"x\", " + tag}}), {});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header(r, "ETag"), tag);
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=300");
  r = ok();
  finish_read_answer(r, request({{bhttp::field::if_none_match, "\"x\""}}), {});
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(r.body.empty());
}

TEST(FinishReadAnswer, ErrorsGetCorsButNoValidator) {
  http::Response r = ok("{\"error\":{}}\n");
  r.status = 400;
  finish_read_answer(r, request({{bhttp::field::origin, "https://app.example"}}), {});
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(r, "ETag"), "");
  EXPECT_EQ(header(r, "Cache-Control"), "");
}

TEST(FinishReadAnswer, AListOfOriginsIsEchoedAndVariesByOrigin) {
  ReadPolicy p;
  p.cors_origins = {"https://a.example", "https://b.example"};
  http::Response r = ok();
  finish_read_answer(r, request({{bhttp::field::origin, "https://b.example"}}), p);
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://b.example");
  EXPECT_EQ(header(r, "Access-Control-Expose-Headers"), "ETag, X-Request-Id");
  EXPECT_EQ(header(r, "Vary"), "Origin");
  r = ok();
  finish_read_answer(r, request({{bhttp::field::origin, "https://evil.example"}}), p);
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(r, "Vary"), "Origin");
  p.cors_origins.clear();  // off
  r = ok();
  finish_read_answer(r, request({{bhttp::field::origin, "https://a.example"}}), p);
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(r, "Vary"), "");
}

TEST(PreflightAnswer, AllowsReadsFromAllowedOrigins) {
  const auto options = bhttp::verb::options;
  EXPECT_FALSE(preflight_answer(request({}, options), {}));  // a plain OPTIONS
  auto r =
      preflight_answer(request({{bhttp::field::origin, "https://app.example"},
                                {bhttp::field::access_control_request_method, "GET"},
                                {bhttp::field::access_control_request_headers, "if-none-match"}},
                               options),
                       {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204u);
  EXPECT_EQ(header(*r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(*r, "Access-Control-Allow-Methods"), "GET, HEAD");
  EXPECT_EQ(header(*r, "Access-Control-Allow-Headers"), "if-none-match");
  EXPECT_EQ(header(*r, "Access-Control-Max-Age"), "86400");
  // A write is not allowed: no CORS headers, so the browser refuses it.
  r = preflight_answer(request({{bhttp::field::origin, "https://app.example"},
                                {bhttp::field::access_control_request_method, "POST"}},
                               options),
                       {});
  ASSERT_TRUE(r);
  EXPECT_EQ(header(*r, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(*r, "Allow"), "GET, HEAD, OPTIONS");
}

}  // namespace
}  // namespace conv::converter
