#include "conv/cli/server_options.hpp"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cmath>
#include <thread>

#include "conv/http/server_settings.hpp"

namespace conv::cli {

namespace {

std::uint64_t to_ms(double seconds) {
  return static_cast<std::uint64_t>(std::llround(seconds * 1000));
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

// One flag per setting of the table, with its range; a duration is given in seconds.
void ServerFlags::add_settings(CLI::App& cmd, const http::ServerOptions& defaults) {
  const auto settings = http::server_settings();
  counts_.assign(settings.size(), 0);
  seconds_.assign(settings.size(), 0);
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const auto& s = settings[i];
    const std::string flag(s.flag);
    const std::string help(s.help);
    if (s.kind() == http::ServerSetting::Kind::count) {
      counts_[i] = s.get(defaults);
      cmd.add_option(flag, counts_[i], help)
          ->capture_default_str()
          ->check(CLI::Range(s.min, s.max));
    } else {
      seconds_[i] = static_cast<double>(s.get(defaults)) / 1000;
      cmd.add_option(flag, seconds_[i], help)
          ->capture_default_str()
          ->check(CLI::Range(static_cast<double>(s.min) / 1000, static_cast<double>(s.max) / 1000));
    }
  }
}

void ServerFlags::add_to(CLI::App& cmd, const http::ServerOptions& defaults) {
  cmd_ = &cmd;
  server = defaults;
  server.threads = std::max(1u, std::thread::hardware_concurrency());
  cmd.add_option("--host", server.host, "Address (or name) to listen on")->capture_default_str();
  cmd.add_option("--port,-p", server.port, "TCP port to listen on (0: pick a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd.add_option("--threads,-t", server.threads, "Worker threads (default: CPU count)")
      ->check(CLI::Range(1, static_cast<int>(http::kMaxThreads)));
  cmd.add_option("--name", name, "Instance name sent in X-Served-By (default: host name)");
  cmd.add_option("--access-log", access_log, "Access log: - (stdout), off, or a file path")
      ->capture_default_str();
  cmd.add_option("--log-level", log_level,
                 "Least level of the event lines on stderr: debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd.add_option("--log-format", log_format,
                 "Format of the event lines and of the access log: text or json (one object a "
                 "line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd.add_option("--io-model", io_model,
                 "per-thread (an io_context and SO_REUSEPORT listener per thread) or shared")
      ->capture_default_str()
      ->check(CLI::IsMember({"per-thread", "shared"}));
  add_settings(cmd, defaults);
}

std::optional<std::string> ServerFlags::finish() {
  if (server.host.empty()) return "--host: must not be empty";
  if (name.empty()) name = host_name();
  if (!valid_header_value(name)) {
    return "--name: must be 1-200 printable ASCII characters";
  }
  server.io_model = io_model == "shared" ? http::IoModel::shared : http::IoModel::per_thread;
  logging.level = log::parse_level(log_level).value_or(log::Level::info);
  logging.format = log::parse_format(log_format).value_or(log::Format::text);
  const auto settings = http::server_settings();
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const bool seconds = settings[i].kind() == http::ServerSetting::Kind::seconds;
    settings[i].set(server, seconds ? to_ms(seconds_[i]) : counts_[i]);
  }
  return std::nullopt;
}

void ServerFlags::override_given(http::ServerOptions& t, std::string& t_name,
                                 std::string& t_access_log, log::Settings& t_logging) const {
  if (given("--host")) t.host = server.host;
  if (given("--port")) t.port = server.port;
  if (given("--threads")) t.threads = server.threads;
  if (given("--io-model")) t.io_model = server.io_model;
  for (const auto& s : http::server_settings()) {
    if (given(std::string(s.flag).c_str())) s.set(t, s.get(server));
  }
  if (given("--name") || t_name.empty()) t_name = name;
  if (given("--access-log")) t_access_log = access_log;
  if (given("--log-level")) t_logging.level = logging.level;
  if (given("--log-format")) t_logging.format = logging.format;
}

}  // namespace conv::cli
