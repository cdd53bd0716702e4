#pragma once

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

}  // namespace conv::http
