#pragma once

#include <ctime>
#include <string_view>

namespace conv::http {

// Formatted wall-clock strings, cached per thread and recomputed at most once a second, so
// that the request path neither locks nor formats dates for every response.

// RFC 9110 IMF-fixdate for the Date header: "Fri, 27 Nov 2026 11:20:28 GMT".
std::string_view http_date_now();

// nginx's $time_local in UTC: "27/Nov/2026:11:20:28 +0000".
std::string_view log_time_now();

// The same formats for a given time, uncached (for tests).
std::string format_http_date(std::time_t t);
std::string format_log_time(std::time_t t);

}  // namespace conv::http
