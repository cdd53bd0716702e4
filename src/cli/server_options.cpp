#include "conv/cli/server_options.hpp"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <thread>

namespace conv::cli {

namespace {

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "conv";
  return buf;
}

// A header value we can send as is: visible ASCII and spaces, not empty, not too long.
bool valid_header_value(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

void ServerFlags::add_to(CLI::App& cmd, std::uint16_t default_port) {
  cmd_ = &cmd;
  server.port = default_port;
  server.threads = std::max(1u, std::thread::hardware_concurrency());
  cmd.add_option("--host", server.host, "Address (or name) to listen on")->capture_default_str();
  cmd.add_option("--port,-p", server.port, "TCP port to listen on (0: pick a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd.add_option("--threads,-t", server.threads, "Worker threads (default: CPU count)")
      ->check(CLI::Range(1, 256));
  cmd.add_option("--name", name, "Instance name sent in X-Served-By (default: host name)");
  cmd.add_option("--access-log", access_log, "Access log: - (stdout), off, or a file path")
      ->capture_default_str();
  cmd.add_option("--io-model", io_model,
                 "per-thread (an io_context and SO_REUSEPORT listener per thread) or shared")
      ->capture_default_str()
      ->check(CLI::IsMember({"per-thread", "shared"}));
  cmd.add_option("--max-header-bytes", server.max_header_bytes,
                 "Largest request header block; beyond it 431")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, http::kMaxHeaderBytesLimit));
  cmd.add_option("--max-body-bytes", server.max_body_bytes, "Largest request body; beyond it 413")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 34));
  cmd.add_option("--max-connections", server.max_connections,
                 "Open client connections; beyond it 503")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  cmd.add_option("--header-timeout", header_timeout,
                 "Seconds a client has to send a request's headers (slowloris)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  cmd.add_option("--body-timeout", body_timeout,
                 "Seconds a client has to send a whole request body, from the end of its headers")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  cmd.add_option("--min-body-rate", server.min_body_rate,
                 "Bytes per second a long body must average: each byte received extends the "
                 "body timeout by 1/rate s (0: off, the body timeout is a fixed total)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40));
  cmd.add_option("--idle-timeout", idle_timeout, "Seconds an idle keep-alive connection is kept")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  cmd.add_option("--write-timeout", write_timeout, "Seconds a client has to read a response")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  cmd.add_option("--drain-timeout", drain_timeout,
                 "Seconds SIGTERM waits for requests in flight before exiting")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
}

std::optional<std::string> ServerFlags::finish() {
  if (server.host.empty()) return "--host: must not be empty";
  if (name.empty()) name = host_name();
  if (!valid_header_value(name)) {
    return "--name: must be 1-200 printable ASCII characters";
  }
  server.io_model = io_model == "shared" ? http::IoModel::shared : http::IoModel::per_thread;
  server.header_timeout = to_ms(header_timeout);
  server.body_timeout = to_ms(body_timeout);
  server.idle_timeout = to_ms(idle_timeout);
  server.write_timeout = to_ms(write_timeout);
  server.drain_timeout = to_ms(drain_timeout);
  return std::nullopt;
}

void ServerFlags::override_given(http::ServerOptions& t, std::string& t_name,
                                 std::string& t_access_log) const {
  if (given("--host")) t.host = server.host;
  if (given("--port")) t.port = server.port;
  if (given("--threads")) t.threads = server.threads;
  if (given("--io-model")) t.io_model = server.io_model;
  if (given("--max-header-bytes")) t.max_header_bytes = server.max_header_bytes;
  if (given("--max-body-bytes")) t.max_body_bytes = server.max_body_bytes;
  if (given("--max-connections")) t.max_connections = server.max_connections;
  if (given("--header-timeout")) t.header_timeout = server.header_timeout;
  if (given("--body-timeout")) t.body_timeout = server.body_timeout;
  if (given("--min-body-rate")) t.min_body_rate = server.min_body_rate;
  if (given("--idle-timeout")) t.idle_timeout = server.idle_timeout;
  if (given("--write-timeout")) t.write_timeout = server.write_timeout;
  if (given("--drain-timeout")) t.drain_timeout = server.drain_timeout;
  if (given("--name") || t_name.empty()) t_name = name;
  if (given("--access-log")) t_access_log = access_log;
}

}  // namespace conv::cli
