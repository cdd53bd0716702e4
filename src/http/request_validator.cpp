#include "conv/http/request_validator.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

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
// field line "token:" with nothing between the name and the colon.
std::optional<std::string> check_raw(std::string_view raw) {
  std::size_t line_start = 0;
  bool first = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\0') return "NUL byte in the request header";
    if (c == '\r' && (i + 1 >= raw.size() || raw[i + 1] != '\n')) {
      return "bare CR in the request header";
    }
    if (c != '\n') continue;
    if (i == 0 || raw[i - 1] != '\r') return "bare LF in the request header";
    const std::string_view line = raw.substr(line_start, i - 1 - line_start);
    line_start = i + 1;
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

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> validate_request(std::string_view raw_header,
                                            const RequestHeader& header) {
  if (auto e = check_raw(raw_header)) return e;

  const auto hosts = header.count(bhttp::field::host);
  if (header.version() == 11 && hosts != 1) {
    return "an HTTP/1.1 request needs exactly one Host header";
  }
  if (hosts > 1) return "more than one Host header";

  const auto lengths = header.count(bhttp::field::content_length);
  const auto encodings = header.count(bhttp::field::transfer_encoding);
  if (lengths > 0 && encodings > 0) return "both Content-Length and Transfer-Encoding";
  if (lengths > 1) return "more than one Content-Length";
  if (lengths == 1 && !all_digits(header[bhttp::field::content_length])) {
    return "Content-Length is not a plain decimal number";
  }
  if (encodings > 0) {
    if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
    if (encodings > 1) return "more than one Transfer-Encoding header";
    if (!boost::beast::iequals(header[bhttp::field::transfer_encoding], "chunked")) {
      return "Transfer-Encoding other than \"chunked\"";
    }
  }
  return std::nullopt;
}

}  // namespace conv::http
