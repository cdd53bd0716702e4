#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv/converter/feeds/feed_fetcher.hpp"
#include "conv/converter/feeds/feed_source.hpp"

namespace conv::converter {

// What one fetch of a provider brought: its days (merged by date, oldest first), or why not.
struct FeedJobResult {
  std::vector<PublishedDay> days;
  std::optional<FetchFailure> failure;
  std::string detail;  // "<url>: <why>", for the log
};

// Fetches `requests` one after the other (a provider's servers are asked one thing at a time)
// and reads each answer with `source`; the first failure ends the job (a fetch counts whole or
// not at all). `done` runs once, on the fetcher's io_context (inside this call if there is no
// request). `fetcher` must outlive the job.
void run_feed_job(FeedFetcher& fetcher, std::shared_ptr<const FeedSource> source,
                  std::vector<FeedRequest> requests, std::function<void(FeedJobResult)> done);

}  // namespace conv::converter
