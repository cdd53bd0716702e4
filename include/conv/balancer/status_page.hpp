#pragma once

#include <string_view>

namespace conv::balancer {

// The admin port's status page: one self-contained HTML document (inline CSS and script, no
// external assets) that polls /status every second and shows every upstream, its state,
// weight, share of traffic, latency, error rate and last health check.
std::string_view status_page_html();

}  // namespace conv::balancer
