#include "conv/http/server_settings.hpp"

#include <array>

namespace conv::http {

namespace {

using S = ServerOptions;
constexpr std::string_view kLimits = "limits";
constexpr std::string_view kTimeouts = "client timeouts (header, body, idle, write, drain)";

const std::array<ServerSetting, 9> kSettings = {{
    {"limits", "max_header_bytes", "--max-header-bytes",
     "Largest request header block; beyond it 431", &S::max_header_bytes, 1024,
     kMaxHeaderBytesLimit, kLimits},
    {"limits", "max_body_bytes", "--max-body-bytes", "Largest request body; beyond it 413",
     &S::max_body_bytes, 0, std::uint64_t{1} << 40, kLimits},
    {"limits", "max_connections", "--max-connections", "Open client connections; beyond it 503",
     &S::max_connections, 1, std::uint64_t{1} << 20, kLimits},
    {"limits", "min_body_rate", "--min-body-rate",
     "Bytes per second a long body must average: each byte received extends the body timeout "
     "by 1/rate s (0: off, the body timeout is a fixed total)",
     &S::min_body_rate, 0, std::uint64_t{1} << 40, kLimits},
    {"timeouts", "header", "--header-timeout",
     "Seconds a client has to send a request's headers (slowloris)", &S::header_timeout, 1,
     kMaxTimeoutMs, kTimeouts},
    {"timeouts", "body", "--body-timeout",
     "Seconds a client has to send a whole request body, from the end of its headers",
     &S::body_timeout, 1, kMaxTimeoutMs, kTimeouts},
    {"timeouts", "idle", "--idle-timeout", "Seconds an idle keep-alive connection is kept",
     &S::idle_timeout, 1, kMaxTimeoutMs, kTimeouts},
    {"timeouts", "write", "--write-timeout", "Seconds a client has to read a response",
     &S::write_timeout, 1, kMaxTimeoutMs, kTimeouts},
    {"timeouts", "drain", "--drain-timeout",
     "Seconds SIGTERM waits for requests in flight before exiting", &S::drain_timeout, 0,
     kMaxTimeoutMs, kTimeouts},
}};

}  // namespace

std::uint64_t ServerSetting::get(const ServerOptions& o) const {
  if (const auto* c = std::get_if<Count>(&member)) return o.*(*c);
  return static_cast<std::uint64_t>((o.*std::get<Duration>(member)).count());
}

void ServerSetting::set(ServerOptions& o, std::uint64_t value) const {
  if (const auto* c = std::get_if<Count>(&member)) {
    o.*(*c) = value;
  } else {
    o.*std::get<Duration>(member) = std::chrono::milliseconds(value);
  }
}

std::span<const ServerSetting> server_settings() {
  return kSettings;
}

}  // namespace conv::http
