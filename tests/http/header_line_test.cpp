#include "conv/http/header_line.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace conv::http {
namespace {

TEST(HeaderLine, AppendsNameColonSpaceValueCrlf) {
  std::string out = "HTTP/1.1 200 OK\r\n";
  append_header(out, "Via", "1.1 lb");
  append_header(out, "Host", "");
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nVia: 1.1 lb\r\nHost: \r\n");
}

TEST(HeaderLine, WritesANumberValueInDecimal) {
  std::string out;
  append_header(out, "Content-Length", std::uint64_t{0});
  append_header(out, "Content-Length", std::uint64_t{80});
  append_header(out, "Content-Length", std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out,
            "Content-Length: 0\r\nContent-Length: 80\r\n"
            "Content-Length: 18446744073709551615\r\n");
}

}  // namespace
}  // namespace conv::http
