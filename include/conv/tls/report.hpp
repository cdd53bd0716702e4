#pragma once

#include <boost/json/object.hpp>
#include <chrono>

#include "conv/http/prometheus_writer.hpp"
#include "conv/tls/termination.hpp"

namespace conv::tls {

// What a TLS listener reports, the same for both roles:
//   /metrics: conv_tls_certificate_expiry_seconds{cert,subject} (seconds left; negative once
//     expired), conv_tls_certificate_reloads_total, conv_tls_handshakes_total{result="full" or
//     "resumed"}, conv_tls_handshake_failures_total{reason} (every reason, 0 included);
//   /status: {"certificates": [{"file", "subject", "names", "not_after", "expires_in_seconds"}],
//     "handshakes": {...}, "failures": {reason: n}}.
void write_metrics(http::PrometheusWriter& w, const Termination& t,
                   std::chrono::system_clock::time_point now);
boost::json::object status_json(const Termination& t, std::chrono::system_clock::time_point now);

}  // namespace conv::tls
