#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "conv/converter/feeds/fetch_failure.hpp"
#include "conv/tls/client_context.hpp"

namespace conv::converter {

struct FetchSettings {
  // One GET, from connect to the body's last byte (a provider that never answers is given up).
  std::chrono::milliseconds timeout{30'000};
  // The largest body read: the ECB's 90-day file is about 200 KB, a year of PTAX bulletins for
  // one currency about 150 KB; beyond this the answer is refused (too_large), not buffered.
  std::size_t max_body = 8 * 1024 * 1024;
  // The largest local file read (file:// requests: the `file` provider's rates.json, a few KB
  // even with every currency); a larger one is refused (too_large), not read.
  std::size_t max_file = 1024 * 1024;
  std::string user_agent = {};  // empty: "conv-rates/<version>"
  // For https:// URLs: the system's CAs and the URL's host verified, unless configured.
  tls::ClientSettings tls = {};
};

// What one GET brought: the body of a 2xx answer, or why not.
struct FetchResult {
  std::string body;
  std::optional<FetchFailure> failure;  // none: `body` is the answer
  std::string detail;                   // for the log: "connect: Connection refused", "HTTP 500"
  bool ok() const { return !failure; }
};

// GETs a feed's URL with the balancer's client stack (async_probe: one deadline, a bounded
// body, TLS through tls::ClientContext), on an io_context the caller runs; reads a file://
// URL from disk instead (feed_file.hpp), on the same thread: a local read, bounded. Not
// thread-safe: it belongs to the thread that runs `ctx` (the refresher's), which also keeps the TLS
// contexts it builds, one per host, for later fetches. `ctx` must outlive it.
class FeedFetcher {
 public:
  FeedFetcher(boost::asio::io_context& ctx, FetchSettings settings);
  FeedFetcher(const FeedFetcher&) = delete;
  FeedFetcher& operator=(const FeedFetcher&) = delete;

  // `done` runs once, on `ctx`, never inside this call. A URL that is not http(s) or file://
  // fails as `resolve` (no address to connect to); a TLS context that cannot be built, as
  // `tls`; a file that cannot be read, as `unreadable`.
  void fetch(const std::string& url, std::function<void(FetchResult)> done);

 private:
  std::shared_ptr<const tls::ClientContext> tls_for(const std::string& host);
  void post(std::function<void(FetchResult)> done, FetchResult result);

  boost::asio::io_context& ctx_;
  FetchSettings settings_;
  std::map<std::string, std::shared_ptr<const tls::ClientContext>, std::less<>> tls_;
};

// A 2xx answer's body, or the failure an answer (or its absence) stands for.
FetchResult fetch_result(unsigned status, std::string_view probe_reason, std::string error,
                         std::string body);

}  // namespace conv::converter
