#include "conv/converter/feeds/feed_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace conv::converter {

namespace {

constexpr std::string_view kScheme = "file://";

// Closes the descriptor on every return.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

FetchResult failed(FetchFailure why, std::string detail) {
  FetchResult r;
  r.failure = why;
  r.detail = std::move(detail);
  return r;
}

std::string errno_text() {
  return std::generic_category().message(errno);
}

std::string over_limit(std::size_t max_bytes) {
  return "larger than the limit of " + std::to_string(max_bytes) + " bytes";
}

}  // namespace

std::string file_url(std::string_view absolute_path) {
  return std::string(kScheme) + std::string(absolute_path);
}

std::optional<std::string> file_url_path(std::string_view url) {
  if (!url.starts_with(kScheme)) return std::nullopt;
  return std::string(url.substr(kScheme.size()));
}

FetchResult read_feed_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: a FIFO in the file's place must not hold the refresher's thread at open().
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) return failed(FetchFailure::unreadable, "cannot open: " + errno_text());
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return failed(FetchFailure::unreadable, errno_text());
  if (!S_ISREG(st.st_mode)) return failed(FetchFailure::unreadable, "not a regular file");
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    return failed(FetchFailure::too_large, over_limit(max_bytes));
  }
  FetchResult r;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(FetchFailure::unreadable, "cannot read: " + errno_text());
    if (n == 0) return r;
    r.body.append(buffer, static_cast<std::size_t>(n));
    // The file may have grown since fstat: the limit holds for what is read.
    if (r.body.size() > max_bytes) return failed(FetchFailure::too_large, over_limit(max_bytes));
  }
}

}  // namespace conv::converter
