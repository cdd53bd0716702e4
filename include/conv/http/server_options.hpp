#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace conv::http {

// How connections are spread over threads.
enum class IoModel {
  // One io_context per thread, each with its own SO_REUSEPORT listener: the kernel spreads
  // connections, and a connection lives and dies on one thread with no locking. (default)
  per_thread,
  // One io_context shared by every thread and one listener; each connection runs on a strand.
  shared,
};

// The largest header limit that can be set: Beast stores a field's size in 16 bits and
// throws for a longer one, so no block (nor header and trailers) may hold a field of 64 KiB.
inline constexpr std::size_t kMaxHeaderBytesLimit = 64 * 1024;

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 5000;  // 0: an ephemeral port (see Server::local_endpoint)
  unsigned threads = 1;
  IoModel io_model = IoModel::per_thread;

  std::size_t max_header_bytes = 16 * 1024;    // larger header block: 431
  std::uint64_t max_body_bytes = 1024 * 1024;  // larger body: 413
  std::size_t max_connections = 10000;         // beyond: 503 and close

  // A client must send a whole header block within this time of its first byte (slowloris).
  std::chrono::milliseconds header_timeout{10'000};
  // ...and the body within this time of the end of the header block (a total deadline)...
  std::chrono::milliseconds body_timeout{30'000};
  // ...plus 1/min_body_rate s for each body byte received, if set (bytes per second; 0: off):
  // long uploads at a good rate pass, a trickle is still cut off.
  std::uint64_t min_body_rate = 0;
  // An idle keep-alive connection is closed after this long without a new request.
  std::chrono::milliseconds idle_timeout{60'000};
  // A response must be written within this long (a client that stops reading).
  std::chrono::milliseconds write_timeout{30'000};
  // On SIGTERM/SIGINT, requests in flight get this long to finish before the process exits.
  std::chrono::milliseconds drain_timeout{10'000};
};

}  // namespace conv::http
