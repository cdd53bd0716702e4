#pragma once

#include <boost/beast/http/field.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "conv/http/handler.hpp"

namespace conv::http {

// Refuses requests whose framing two HTTP implementations could read differently (request
// smuggling), beyond what Boost.Beast's parser already refuses. `raw_header` is the request
// line and header block exactly as received (up to and including the blank line); `header`
// is what the parser made of it. Returns why the request is refused, or nothing.
//
// Refused: Content-Length together with Transfer-Encoding; more than one Content-Length or a
// comma-listed one; a Content-Length that is not 1-19 digits; any Transfer-Encoding other
// than exactly one "chunked"; Transfer-Encoding in HTTP/1.0; whitespace between a field name
// and its colon; obs-fold (a line starting with space or tab); NUL, or CR and LF other than
// as CRLF line ends; a missing Host, or more than one, in HTTP/1.1.
std::optional<std::string> validate_request(std::string_view raw_header,
                                            const RequestHeader& header);

// The fields a message's framing depends on, found in one walk over its fields (a handful):
// how many Host, Content-Length and Transfer-Encoding lines, and the last value of the two
// framing ones. Beast's count() and operator[] would each be a lookup in an ordered set.
struct FramingFields {
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  std::size_t encodings = 0;
  std::string_view length;
  std::string_view encoding;
};

template <typename Fields>
FramingFields framing_fields(const Fields& fields) {
  namespace bhttp = boost::beast::http;
  FramingFields out;
  for (const auto& f : fields) {
    switch (f.name()) {
      case bhttp::field::host:
        ++out.hosts;
        break;
      case bhttp::field::content_length:
        ++out.lengths;
        out.length = f.value();
        break;
      case bhttp::field::transfer_encoding:
        ++out.encodings;
        out.encoding = f.value();
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace conv::http
