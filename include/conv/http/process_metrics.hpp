#pragma once

#include "conv/http/prometheus_writer.hpp"

namespace conv::http {

// The series every conv process exports, whatever its role: `conv_build_info` (1, with the
// version and what it was built with as labels) and the standard `process_*` families of
// Prometheus client libraries (CPU, memory, file descriptors, start time), read from the
// kernel (/proc/self, getrusage, getrlimit) at each scrape: in-memory files, no disk I/O.
// A value the kernel does not give is left out.
void write_process_metrics(PrometheusWriter& w);

}  // namespace conv::http
