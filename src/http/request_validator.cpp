#include "conv/http/request_validator.hpp"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <cstring>

namespace conv::http {

namespace bhttp = boost::beast::http;

namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// Line structure of the raw block: CRLF line ends only, no NUL, no obs-fold, and every
// field line "token:" with nothing between the name and the colon. Each line is found and
// checked with memchr (this runs on every request).
std::optional<std::string> check_raw(std::string_view raw) {
  const char* p = raw.data();
  const char* const end = p + raw.size();
  bool first = true;
  while (p < end) {
    const auto* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* const stop = nl ? nl : end;  // the line, with its CR if it has one
    const auto len = static_cast<std::size_t>(stop - p);
    if (std::memchr(p, '\0', len) != nullptr) return "NUL byte in the request header";
    const auto* cr = static_cast<const char*>(std::memchr(p, '\r', len));
    if (cr != nullptr && cr + 1 != nl) return "bare CR in the request header";
    if (nl == nullptr) break;  // an unterminated last line: Beast stops before it
    if (cr == nullptr) return "bare LF in the request header";
    const std::string_view line(p, static_cast<std::size_t>(cr - p));
    p = nl + 1;
    if (first) {
      first = false;
      continue;  // the request line: Beast has parsed it strictly
    }
    if (line.empty()) break;  // end of the header block
    if (line[0] == ' ' || line[0] == '\t') return "obs-fold (a folded header line) is refused";
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return "a header line without a name";
    for (std::size_t k = 0; k < colon; ++k) {
      if (!is_tchar(line[k])) {
        return line[k] == ' ' || line[k] == '\t' ? "whitespace before a header colon"
                                                 : "invalid character in a header name";
      }
    }
  }
  return std::nullopt;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The characters of a reg-name besides pct-encoding (RFC 3986: unreserved / sub-delims), as a
// table: this runs on every request's Host.
constexpr std::array<bool, 256> kRegNameChars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("-._~!$&'()*+,;=")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool valid_host_field(std::string_view host) {
  const char* p = host.data();
  const char* const end = p + host.size();
  if (p != end && *p == '[') {  // an IP-literal: IPv6 (or IPvFuture) characters
    for (++p; p != end && *p != ']'; ++p) {
      if (!is_hex(*p) && *p != ':' && *p != '.' && *p != 'v' && *p != 'V') return false;
    }
    if (p == end || p - host.data() < 3) return false;  // unclosed, or "[]"
    ++p;
    if (p != end && *p != ':') return false;
  } else {  // a reg-name or IPv4 address: a table lookup per character
    for (; p != end && *p != ':'; ++p) {
      if (kRegNameChars[static_cast<unsigned char>(*p)]) continue;
      if (*p != '%' || end - p < 3 || !is_hex(p[1]) || !is_hex(p[2])) return false;
      p += 2;
    }
    if (p == host.data() && p != end) return false;  // ":80"
  }
  if (p == end) return true;
  ++p;  // the port: at most five digits
  if (end - p > 5) return false;
  for (; p != end; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return true;
}

std::optional<std::string> validate_request(std::string_view raw_header,
                                            const RequestHeader& header) {
  if (auto e = check_raw(raw_header)) return e;

  const auto [hosts, lengths, encodings, length, encoding, host] = framing_fields(header);
  if (header.version() == 11 && hosts != 1) {
    return "an HTTP/1.1 request needs exactly one Host header";
  }
  if (hosts > 1) return "more than one Host header";
  if (hosts == 1 && !valid_host_field(host)) return "Host is not a valid host[:port]";
  if (count_connection_options(header) > kMaxConnectionOptions) {
    return "more than " + std::to_string(kMaxConnectionOptions) + " Connection options";
  }

  if (lengths > 0 && encodings > 0) return "both Content-Length and Transfer-Encoding";
  if (lengths > 1) return "more than one Content-Length";
  if (lengths == 1 && !all_digits(length)) {
    return "Content-Length is not a plain decimal number";
  }
  if (encodings > 0) {
    if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
    if (encodings > 1) return "more than one Transfer-Encoding header";
    if (!boost::beast::iequals(encoding, "chunked")) {
      return "Transfer-Encoding other than \"chunked\"";
    }
  }
  return std::nullopt;
}

}  // namespace conv::http
