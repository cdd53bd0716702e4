#pragma once

#include <string_view>

namespace conv::balancer {

// The admin port's status page: an HTML document (served at /) with its style (/status.css)
// and script (/status.js), no other assets, that polls /status every second and shows every
// upstream, its state, weight, share of traffic, latency, error rate and last health check.
std::string_view status_page_html();
std::string_view status_page_css();
std::string_view status_page_script();

}  // namespace conv::balancer
