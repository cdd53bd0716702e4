#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "conv/converter/feeds/feed_fetcher.hpp"

namespace conv::converter {

// A feed that is a local file (the `file` provider) is asked for with a file:// URL, so that it
// goes through the same job, checks and counters as a GET. The URL is "file://" followed by
// the absolute path as is (not percent-encoded: it never leaves the process, only the logs).
std::string file_url(std::string_view absolute_path);
// The path of a file:// URL; nothing for any other URL.
std::optional<std::string> file_url_path(std::string_view url);

// Reads the file at `path` whole, as a fetch would bring a body: `unreadable` if it is missing,
// not a regular file (a directory, a FIFO: never blocked on) or cannot be read; `too_large`
// beyond `max_bytes` (refused before reading, and while reading if it grows). Blocking, but
// local and bounded: for the refresher's thread, never a request thread.
FetchResult read_feed_file(const std::string& path, std::size_t max_bytes);

}  // namespace conv::converter
