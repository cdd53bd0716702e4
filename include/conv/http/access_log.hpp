#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "conv/log/logger.hpp"
#include "conv/util/per_thread.hpp"

namespace conv::http {

// The access log: one line per request, nginx "combined" plus timings.
//
// Threads never write to the log file themselves. Each appends its lines to its own buffer
// (a per-thread mutex that only the writer thread ever contends for) and a background writer
// thread drains the buffers every `flush_interval`. If the sink cannot keep up, a thread's
// buffer stops growing at `max_buffer` bytes and further lines are counted as dropped
// instead of stalling requests; a sink that takes nothing for a second (a pipe whose reader
// stopped) has what is left dropped and counted too, so that a flush at shutdown ends.
class AccessLog {
 public:
  // `spec` is "-" (stdout), "off" (no log) or a file path (appended to, created 0644).
  // `format`: the lines format_access_line() builds. Throws std::system_error if the file
  // cannot be opened.
  static std::unique_ptr<AccessLog> open(const std::string& spec,
                                         log::Format format = log::Format::text);

  ~AccessLog();  // flushes everything and stops the writer
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return fd_ >= 0; }
  log::Format format() const { return format_; }

  // Appends one line (without its newline). Never blocks on I/O.
  void write(std::string_view line);

  // Writes out everything buffered so far; returns once it is written (or dropped after a
  // second, for a sink that takes nothing).
  void flush();

  // Reopens the file (after log rotation). No-op for stdout and "off".
  void reopen();

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Buffer;
  AccessLog(int fd, std::string path, bool owns_fd, log::Format format);
  Buffer& local_buffer();
  void run_writer();
  void drain_all();

  int fd_;
  std::string path_;
  bool owns_fd_;
  log::Format format_;
  std::atomic<std::uint64_t> dropped_{0};
  util::PerThread<Buffer> buffers_;

  std::mutex writer_mutex_;        // serialises drains (writer thread and flush())
  std::vector<Buffer*> draining_;  // the buffers a drain goes through, under writer_mutex_
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread writer_;
};

// Builds a combined-format line:
//   127.0.0.1 - - [27/Nov/2026:11:20:28 +0000] "GET / HTTP/1.1" 200 80 "-" "curl/8" "-" rt=0.000
// followed by ` rid="<request id>"` when the request has one.
// Values are escaped as nginx does (\" \\ and \xHH for bytes outside printable ASCII).
// As JSON, the same fields, one object per line, escaped as nginx's escape=json:
//   {"remote_addr":"127.0.0.1","time":"2026-11-27T11:20:28.123Z","request":"GET / HTTP/1.1",
//    "status":200,"body_bytes_sent":80,"http_referer":"","http_user_agent":"curl/8",
//    "http_x_forwarded_for":"","request_time":0.000,"request_id":""}
// with each of the role's `key="value"` (or key=value) extra fields as one more string field.
struct AccessLogEntry {
  std::string_view remote_addr;
  std::string_view request_line;  // "GET / HTTP/1.1", or empty for "-"
  unsigned status = 0;
  std::uint64_t body_bytes = 0;
  std::string_view referer;
  std::string_view user_agent;
  std::string_view forwarded_for;
  double request_time = 0;
  std::string_view request_id;  // X-Request-Id: ` rid="..."` after rt= when not empty
  std::string_view extra;       // appended after a space when not empty (role-specific fields)
};
void format_access_line(std::string& out, const AccessLogEntry& entry,
                        log::Format format = log::Format::text);

}  // namespace conv::http
