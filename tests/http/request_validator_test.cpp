#include "conv/http/request_validator.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

namespace conv::http {
namespace {

namespace bhttp = boost::beast::http;

// What the server does: Beast parses the header, then the validator checks the raw block.
// Returns "" if accepted, else the reason (Beast's or the validator's).
std::string verdict(std::string raw) {
  bhttp::request_parser<bhttp::buffer_body> p;
  boost::system::error_code ec;
  std::size_t used = 0;
  while (!p.is_header_done()) {
    const std::size_t n = p.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    used += n;
    if (ec) return "parser: " + ec.message();
    if (n == 0) return "parser: incomplete";
  }
  auto problem = validate_request(std::string_view(raw).substr(0, used), p.get().base());
  return problem ? *problem : "";
}

TEST(RequestValidator, AcceptsOrdinaryRequests) {
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "");
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"), "");
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), "");
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"), "");
  EXPECT_EQ(verdict("GET / HTTP/1.0\r\n\r\n"), "");
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\tc\r\n\r\n"), "");
}

// Every smuggling vector is refused, by Beast's parser or by the validator.
TEST(RequestValidator, RefusesEverySmugglingVector) {
  const std::string h = "POST / HTTP/1.1\r\nHost: a\r\n";
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"CL + TE", h + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"TE + CL", h + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"},
      {"duplicate CL", h + "Content-Length: 4\r\nContent-Length: 4\r\n\r\n"},
      {"differing CL", h + "Content-Length: 4\r\nContent-Length: 5\r\n\r\n"},
      {"comma-listed CL", h + "Content-Length: 4, 5\r\n\r\n"},
      {"comma-listed same CL", h + "Content-Length: 4, 4\r\n\r\n"},
      {"plus CL", h + "Content-Length: +4\r\n\r\n"},
      {"hex CL", h + "Content-Length: 0x10\r\n\r\n"},
      {"negative CL", h + "Content-Length: -1\r\n\r\n"},
      {"overflowing CL", h + "Content-Length: 99999999999999999999\r\n\r\n"},
      {"TE chunked, gzip", h + "Transfer-Encoding: chunked, gzip\r\n\r\n"},
      {"TE gzip, chunked", h + "Transfer-Encoding: gzip, chunked\r\n\r\n"},
      {"TE xchunked", h + "Transfer-Encoding: xchunked\r\n\r\n"},
      {"TE identity", h + "Transfer-Encoding: identity\r\n\r\n"},
      {"two TE lines", h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"space before colon", h + "Content-Length : 4\r\n\r\n"},
      {"tab before colon", h + "Transfer-Encoding\t: chunked\r\n\r\n"},
      {"obs-fold in TE", h + "Transfer-Encoding:\r\n chunked\r\n\r\n"},
      {"obs-fold in CL", h + "Content-Length:\r\n\t4\r\n\r\n"},
      {"obs-fold elsewhere", h + "X-A: b\r\n c\r\n\r\n"},
      {"NUL in value", h + std::string("X-A: b\0c\r\n\r\n", 12)},
      {"bare CR in value", h + "X-A: b\rc\r\n\r\n"},
      {"bare LF line end", h + "X-A: b\n\r\n"},
      {"missing Host", "GET / HTTP/1.1\r\n\r\n"},
      {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
  };
  for (const auto& [name, raw] : vectors) {
    EXPECT_NE(verdict(raw), "") << name << " was accepted";
  }
}

TEST(RequestValidator, HostMustBeAHostAndPort) {
  for (const char* ok : {"a", "shop.example:5000", "127.0.0.1", "127.0.0.1:80", "[::1]",
                         "[::1]:9000", "xn--bcher-kva.example", "a-b_c~d", "%41b", ""}) {
    EXPECT_TRUE(valid_host_field(ok)) << ok;
    EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: " + std::string(ok) + "\r\n\r\n"), "") << ok;
  }
  for (const char* bad : {"x y", "<script>", "a\"b", "a/b", "a?b", "a@b", "a:80:90", ":80", "a:8x",
                          "a:123456", "[::1", "[::1]x", "[]", "[zz::1]", "%4", "a\\b", "a{b}"}) {
    EXPECT_FALSE(valid_host_field(bad)) << bad;
  }
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: x y\r\n\r\n"), "Host is not a valid host[:port]");
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: <script>\r\n\r\n"), "Host is not a valid host[:port]");
}

TEST(RequestValidator, RefusesMoreConnectionOptionsThanTheCap) {
  std::string options = "keep-alive";
  for (std::size_t i = 1; i < kMaxConnectionOptions; ++i) options += ", x-" + std::to_string(i);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nConnection: " + options + "\r\n\r\n"), "");
  // Over two lines, and with empty items that are no options.
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nConnection: " + options +
                    ", ,\r\nConnection: x-more\r\n\r\n"),
            "more than 32 Connection options");
}

}  // namespace
}  // namespace conv::http
