#include "conv/log/logger.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "conv/util/json_fields.hpp"

namespace conv::log {

namespace {

// Set at start-up, before the threads that log; read by every line afterwards.
struct State {
  std::string role = "conv";
  std::atomic<int> level{static_cast<int>(Level::info)};
  std::atomic<Format> format{Format::text};
  std::atomic<int> fd{STDERR_FILENO};
};

State& state() {
  static State s;
  return s;
}

// One write(2) for the whole line; a short write (a pipe's buffer full) goes on from where it
// stopped rather than lose the end of the line.
void write_line(int fd, std::string_view line) {
  while (!line.empty()) {
    const ssize_t n = ::write(fd, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: nothing sensible left to do
    }
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

// A message never spans lines: a newline or another control byte in it (an error text from
// outside) is shown escaped, \n and \r as such and the rest as \xHH, so that each event stays
// one line.
void append_one_line(std::string& out, std::string_view message) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

}  // namespace

const char* to_string(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

const char* to_string(Format format) {
  return format == Format::json ? "json" : "text";
}

std::optional<Level> parse_level(std::string_view text) {
  for (const Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (text == to_string(l)) return l;
  }
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::text;
  if (text == "json") return Format::json;
  return std::nullopt;
}

void configure(std::string role, Settings settings) {
  State& s = state();
  s.role = std::move(role);
  s.level.store(static_cast<int>(settings.level), std::memory_order_relaxed);
  s.format.store(settings.format, std::memory_order_relaxed);
}

bool enabled(Level level) {
  return static_cast<int>(level) >= state().level.load(std::memory_order_relaxed);
}

int set_fd(int fd) {
  return state().fd.exchange(fd);
}

std::string iso8601_ms(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(time);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(ms);
  const auto millis = (ms.time_since_epoch() % std::chrono::seconds(1)).count();
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis < 0 ? millis + 1000 : millis));
  return buf;
}

std::string format_line(std::chrono::system_clock::time_point time, Level level,
                        std::string_view role, std::string_view message, Format format) {
  std::string line;
  line.reserve(64 + role.size() + message.size());
  const std::string when = iso8601_ms(time);
  if (format == Format::json) {
    util::JsonFields(line)
        .string("time", when)
        .string("level", to_string(level))
        .string("role", role)
        .string("msg", message)
        .close();
  } else {
    line.append(when).append(" ").append(to_string(level)).append(" ");
    line.append(role).append(": ");
    append_one_line(line, message);
  }
  line += '\n';
  return line;
}

void write(Level level, std::string_view message) {
  if (!enabled(level)) return;
  const State& s = state();
  write_line(s.fd.load(std::memory_order_relaxed),
             format_line(std::chrono::system_clock::now(), level, s.role, message,
                         s.format.load(std::memory_order_relaxed)));
}

}  // namespace conv::log
