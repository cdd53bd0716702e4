#pragma once

#include <string>

#include "conv/converter/feeds/feed_source.hpp"

namespace conv::converter {

// The operator's own rates file, in the format of `--rates` (docs/api.md, "Rates file"), as
// a provider of the live feeds: its one day (as_of) goes through the same checks, store and
// fallback as the ECB's or PTAX's. It has no publication calendar: it is read at start, every
// PlanSettings::reread, and on SIGHUP, and it is never overdue. Its request is a file:// URL,
// read by the fetcher (feed_file.hpp); the file's whole content is its one answer.
class FileSource final : public FeedSource {
 public:
  // `path`: the rates file, made absolute now (the logs then name it whatever the working
  // directory). Not read here: a missing file is a failed fetch, not a start-up error.
  explicit FileSource(const std::string& path);

  std::string_view name() const override { return "file"; }
  std::optional<Provider> schedule() const override { return std::nullopt; }
  std::vector<FeedRequest> latest(Date day) const override;
  // The file has one day, whichever range is asked.
  std::vector<FeedRequest> backfill(Date first, Date last) const override;
  // parse_rates_day(): a RatesError becomes a FeedError (malformed).
  std::vector<PublishedDay> parse(const FeedRequest& request, std::string_view body) const override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace conv::converter
