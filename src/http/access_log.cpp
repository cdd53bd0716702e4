#include "conv/http/access_log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <system_error>

#include "conv/http/clock.hpp"
#include "conv/util/json_fields.hpp"

namespace conv::http {

namespace {

constexpr std::size_t kMaxBuffer = 4 * 1024 * 1024;
// Each thread's two buffers (one filling, one being written) start with this much room and
// keep what they grew to, so that steady logging allocates nothing; one that grew past
// kShrinkAbove for a burst goes back to this once a drain finds it mostly empty.
constexpr std::size_t kInitialBuffer = 64 * 1024;
constexpr std::size_t kShrinkAbove = 16 * kInitialBuffer;
constexpr std::chrono::milliseconds kFlushInterval{100};
// How long one drain may wait for a sink that does not take its lines (a pipe whose reader
// stopped reading): then what is left is dropped, so that neither the writer nor a shutdown
// waits for ever.
constexpr std::chrono::milliseconds kDrainDeadline{1000};
// At most this much per write(2) once poll() says the sink is writable: a pipe that says so
// has room for at least this, so the write cannot block.
constexpr std::size_t kWriteStep = 4096;

int open_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open access log " + path);
  }
  return fd;
}

// Writes `data` before `deadline`; returns how many bytes did not make it. A regular file is
// always writable; a pipe or socket gets what fits in time.
std::size_t write_all(int fd, std::string_view data,
                      std::chrono::steady_clock::time_point deadline) {
  while (!data.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) break;
    const ssize_t n = ::write(fd, data.data(), std::min(data.size(), kWriteStep));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      break;  // the sink is gone (closed pipe, full disk): nothing sensible left to do
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return data.size();
}

std::uint64_t lines_in(std::string_view data) {
  return static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n'));
}

// nginx's escaping of logged variables: '"', '\' and bytes outside printable ASCII as \xHH.
void append_escaped(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

void append_quoted_or_dash(std::string& out, std::string_view v) {
  out += '"';
  if (v.empty()) {
    out += '-';
  } else {
    append_escaped(out, v);
  }
  out += '"';
}

// The role's extra fields, `ua="a, b" us="200" urt=0.001`, each as a string field.
void append_extra_fields(util::JsonFields& line, std::string_view extra) {
  while (!extra.empty()) {
    const std::size_t eq = extra.find('=');
    if (eq == std::string_view::npos) return;
    const std::string_view key = extra.substr(0, eq);
    extra.remove_prefix(eq + 1);
    std::size_t end = 0;
    std::string_view value;
    if (!extra.empty() && extra.front() == '"') {
      end = extra.find('"', 1);
      if (end == std::string_view::npos) end = extra.size();
      value = extra.substr(1, end - 1);
      ++end;  // past the closing quote
    } else {
      end = std::min(extra.find(' '), extra.size());
      value = extra.substr(0, end);
    }
    line.string(key, value);
    extra.remove_prefix(std::min(end + 1, extra.size()));  // and the space after
  }
}

void format_json(std::string& out, const AccessLogEntry& e) {
  // request_time as the text form has it: always 3 decimals, as nginx's $request_time.
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", e.request_time);
  util::JsonFields line(out);
  line.string("remote_addr", e.remote_addr)
      .string("time", log::iso8601_ms(std::chrono::system_clock::now()))
      .string("request", e.request_line)
      .integer("status", e.status)
      .integer("body_bytes_sent", e.body_bytes)
      .string("http_referer", e.referer)
      .string("http_user_agent", e.user_agent)
      .string("http_x_forwarded_for", e.forwarded_for)
      .raw("request_time", seconds)
      .string("request_id", e.request_id);
  append_extra_fields(line, e.extra);
  line.close();
}

}  // namespace

struct AccessLog::Buffer {
  Buffer() {
    data.reserve(kInitialBuffer);
    out.reserve(kInitialBuffer);
  }
  std::mutex mutex;
  std::string data;  // filled by its thread, under `mutex`
  std::string out;   // what a drain writes, under the writer mutex
};

std::unique_ptr<AccessLog> AccessLog::open(const std::string& spec, log::Format format) {
  if (spec == "off") return std::unique_ptr<AccessLog>(new AccessLog(-1, {}, false, format));
  if (spec == "-" || spec.empty()) {
    return std::unique_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, {}, false, format));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(open_file(spec), spec, true, format));
}

AccessLog::AccessLog(int fd, std::string path, bool owns_fd, log::Format format)
    : fd_(fd), path_(std::move(path)), owns_fd_(owns_fd), format_(format) {
  if (fd_ >= 0) writer_ = std::thread([this] { run_writer(); });
}

AccessLog::~AccessLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(wake_mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
  }
  drain_all();
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

AccessLog::Buffer& AccessLog::local_buffer() {
  return buffers_.local([] { return std::make_unique<Buffer>(); });
}

void AccessLog::write(std::string_view line) {
  if (fd_ < 0) return;
  Buffer& b = local_buffer();
  std::lock_guard lock(b.mutex);
  if (b.data.size() + line.size() + 1 > kMaxBuffer) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  b.data.append(line);
  b.data += '\n';
}

void AccessLog::drain_all() {
  if (fd_ < 0) return;
  std::lock_guard writer_lock(writer_mutex_);
  // Collect the buffers first: a thread registering its buffer must not wait for our I/O.
  draining_.clear();  // keeps its room: a drain allocates nothing
  buffers_.for_each([&](Buffer& b) { draining_.push_back(&b); });
  const auto deadline = std::chrono::steady_clock::now() + kDrainDeadline;
  for (Buffer* b : draining_) {
    {
      std::lock_guard lock(b->mutex);
      b->data.swap(b->out);
    }
    const std::string& chunk = b->out;
    if (const std::size_t unwritten = write_all(fd_, chunk, deadline); unwritten > 0) {
      // Partly written lines are lost too: count from the start of the first one cut.
      const std::string_view rest(chunk.data() + (chunk.size() - unwritten), unwritten);
      dropped_.fetch_add(lines_in(rest), std::memory_order_relaxed);
    }
    const bool shrink = b->out.capacity() > kShrinkAbove && b->out.size() < kInitialBuffer;
    b->out.clear();
    if (shrink) {
      std::string().swap(b->out);
      b->out.reserve(kInitialBuffer);
    }
  }
}

void AccessLog::run_writer() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kFlushInterval);
    lock.unlock();
    drain_all();
    lock.lock();
  }
}

void AccessLog::flush() {
  drain_all();
}

void AccessLog::reopen() {
  if (!owns_fd_ || path_.empty()) return;
  std::lock_guard writer_lock(writer_mutex_);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;  // keep writing to the old file rather than lose lines
  ::dup2(fd, fd_);
  ::close(fd);
}

void format_access_line(std::string& out, const AccessLogEntry& e, log::Format format) {
  if (format == log::Format::json) {
    format_json(out, e);
    return;
  }
  out.append(e.remote_addr.empty() ? std::string_view{"-"} : e.remote_addr);
  out.append(" - - [");
  out.append(log_time_now());
  out.append("] ");
  append_quoted_or_dash(out, e.request_line);
  out += ' ';
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, e.status);
  out.append(buf, r.ptr);
  out += ' ';
  r = std::to_chars(buf, buf + sizeof buf, e.body_bytes);
  out.append(buf, r.ptr);
  out += ' ';
  append_quoted_or_dash(out, e.referer);
  out += ' ';
  append_quoted_or_dash(out, e.user_agent);
  out += ' ';
  append_quoted_or_dash(out, e.forwarded_for);
  out.append(" rt=");
  // nginx prints $request_time with millisecond resolution.
  std::snprintf(buf, sizeof buf, "%.3f", e.request_time);
  out.append(buf);
  if (!e.request_id.empty()) {
    out.append(" rid=\"");
    append_escaped(out, e.request_id);
    out += '"';
  }
  if (!e.extra.empty()) {
    out += ' ';
    out.append(e.extra);
  }
}

}  // namespace conv::http
