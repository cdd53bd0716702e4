// The per-input memory oracle of the session fuzzers: the heap an exchange holds at once (see
// heap_meter.hpp) against a bound derived from the configured limits.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "conv/http/server_options.hpp"
#include "session_harness.hpp"

namespace conv::fuzz {

// What one connection may buffer at once beyond body data, as issue 11 requires: the header
// limit plus one read of the core (16 KiB).
inline std::int64_t buffered_bound(const http::ServerOptions& o) {
  return static_cast<std::int64_t>(o.max_header_bytes) + 16 * 1024;
}

// The parsed header beside it: Beast keeps each field in a node of its own (about 64 bytes
// over its text), and a block of the header limit has at most one field per 4 bytes.
inline std::int64_t parsed_header_bound(const http::ServerOptions& o) {
  return 16 * static_cast<std::int64_t>(o.max_header_bytes);
}

// `peak`: what the exchange held at most (0 when the meter is off: no sanitizer hooks);
// `bound`: buffered_bound plus what the role holds whatever the client sends, `parts` says
// what that is for the message.
inline void check_heap(std::int64_t peak, std::int64_t bound, const char* parts) {
  static const bool print = std::getenv("CONV_FUZZ_PRINT") != nullptr;
  if (print) std::fprintf(stderr, "--- peak heap: %lld bytes\n", static_cast<long long>(peak));
  if (peak > bound) {
    finding("the exchange held " + std::to_string(peak) + " bytes of heap at once, over " +
            std::to_string(bound) + " (header limit + one read, " + parts + ")");
  }
}

}  // namespace conv::fuzz
