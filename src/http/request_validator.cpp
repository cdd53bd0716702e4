#include "conv/http/request_validator.hpp"

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

// unreserved / pct-encoded / sub-delims, one character (or a %XX triple) at `i`.
bool reg_name_char(std::string_view s, std::size_t& i) {
  const char c = s[i];
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c == '%') {
    if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
    i += 2;
    return true;
  }
  return std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool valid_host_field(std::string_view host) {
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    for (char c : host.substr(1, close - 1)) {  // IPv6 (or IPvFuture) characters
      if (!is_hex(c) && c != ':' && c != '.' && c != 'v' && c != 'V') return false;
    }
    const auto rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) port = host.substr(colon + 1);
    const auto name = host.substr(0, colon);
    if (name.empty() && colon != std::string_view::npos) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (!reg_name_char(name, i)) return false;
    }
  }
  if (port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
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
