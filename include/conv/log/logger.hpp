#pragma once

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace conv::log {

// The event log: one line per event (started, upstream down, reload failed ...) on stderr,
// with an ISO-8601 UTC time to the millisecond, a level and the process role:
//   text: 2026-12-02T19:21:50.123Z info conv converter: listening on 127.0.0.1:5001 (...)
//   json: {"time":"2026-12-02T19:21:50.123Z","level":"info","role":"conv converter","msg":"..."}
// Events are rare; each line is built whole and written with one write(2), so that lines of
// different threads never interleave.
enum class Level { debug, info, warn, error };
enum class Format { text, json };

// The settings --log-level and --log-format (and the balancer's config file) give.
struct Settings {
  Level level = Level::info;
  Format format = Format::text;
  bool operator==(const Settings&) const = default;
};

const char* to_string(Level level);
const char* to_string(Format format);
std::optional<Level> parse_level(std::string_view text);
std::optional<Format> parse_format(std::string_view text);

// Sets the process's role ("conv balancer") and settings. Called at start-up, before the
// threads that log; until then lines say "conv" at level info, as text.
void configure(std::string role, Settings settings);

bool enabled(Level level);

// Writes one event line (when `level` is enabled) to the log's file descriptor (stderr).
void write(Level level, std::string_view message);

// One whole line, newline included (for tests and for write()).
std::string format_line(std::chrono::system_clock::time_point time, Level level,
                        std::string_view role, std::string_view message, Format format);

// "2026-12-02T19:21:50.123Z".
std::string iso8601_ms(std::chrono::system_clock::time_point time);

// Redirects the log to `fd` (tests); returns the former one.
int set_fd(int fd);

// A line built with <<, written when it goes out of scope: log::warn() << "upstream " << name.
class Line {
 public:
  explicit Line(Level level) : level_(level), on_(enabled(level)) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() {
    if (on_) write(level_, text_.str());
  }

  template <typename T>
  Line& operator<<(const T& value) {
    if (on_) text_ << value;
    return *this;
  }

 private:
  Level level_;
  bool on_;
  std::ostringstream text_;
};

inline Line debug() {
  return Line(Level::debug);
}
inline Line info() {
  return Line(Level::info);
}
inline Line warn() {
  return Line(Level::warn);
}
inline Line error() {
  return Line(Level::error);
}

}  // namespace conv::log
