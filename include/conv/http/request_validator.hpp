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
// as CRLF line ends; a missing Host, or more than one, in HTTP/1.1; a Host that is not a
// valid host and port; more than kMaxConnectionOptions Connection options.
std::optional<std::string> validate_request(std::string_view raw_header,
                                            const RequestHeader& header);

// Calls f(item) for each item of a comma-separated list header value (RFC 9110 5.6.1), with
// the whitespace around it trimmed and empty items skipped.
template <typename F>
void for_each_list_item(std::string_view value, F&& f) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// The most options a message's Connection headers may list: a proxy checks every field
// against them, so a message listing thousands would cost a thread milliseconds. Requests
// over it get 400, upstream responses 502.
inline constexpr std::size_t kMaxConnectionOptions = 32;

template <typename Fields>
std::size_t count_connection_options(const Fields& fields) {
  std::size_t n = 0;
  for (const auto& f : fields) {
    if (f.name() == boost::beast::http::field::connection) {
      for_each_list_item(f.value(), [&](std::string_view) { ++n; });
    }
  }
  return n;
}

// RFC 3986 3.2.2-3.2.3: host [":" port], where host is an IP-literal in brackets, an IPv4
// address or a reg-name (unreserved, pct-encoded, sub-delims), and the port is digits.
// Empty is valid (RFC 9112 3.2: a target without an authority).
bool valid_host_field(std::string_view host);

// The fields a message's framing depends on, found in one walk over its fields (a handful):
// how many Host, Content-Length and Transfer-Encoding lines, and the last value of the two
// framing ones. Beast's count() and operator[] would each be a lookup in an ordered set.
struct FramingFields {
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  std::size_t encodings = 0;
  std::string_view length;
  std::string_view encoding;
  std::string_view host;  // the first Host
};

template <typename Fields>
FramingFields framing_fields(const Fields& fields) {
  namespace bhttp = boost::beast::http;
  FramingFields out;
  for (const auto& f : fields) {
    switch (f.name()) {
      case bhttp::field::host:
        if (out.hosts++ == 0) out.host = f.value();
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
