#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conv/converter/date.hpp"
#include "conv/converter/feeds/published_day.hpp"
#include "conv/converter/feeds/schedule.hpp"

namespace conv::converter {

// One GET of a provider's feed, and what its answer means: `part` is the provider's own tag
// (PTAX asks one currency per request and needs it to read the answer; the ECB ignores it).
struct FeedRequest {
  std::string url;  // http:// (tests, a local mirror) or https://
  std::string part;
};

// One provider of reference rates, as the refresher sees it: which GETs bring its latest day
// or a range of past days, and how to read each answer. Pure: no I/O, no clock, so that each
// provider is a small module tested on recorded answers (a `file://` request is read from disk
// by the fetcher, not by the source). Implementations are immutable and
// shared by the refresher's thread only.
class FeedSource {
 public:
  virtual ~FeedSource() = default;

  // The provider's name in the store, in metrics and in answers: "ecb", "bcb_ptax".
  virtual std::string_view name() const = 0;
  // Its publication calendar (schedule.hpp); none for a provider read at a fixed interval.
  virtual std::optional<Provider> schedule() const = 0;
  // The GETs that bring the rates of `day` (the day expected; an answer may hold earlier days
  // too). All must succeed for the fetch to count.
  virtual std::vector<FeedRequest> latest(Date day) const = 0;
  // The GETs that bring the days from `first` to `last` (at least; more is fine).
  virtual std::vector<FeedRequest> backfill(Date first, Date last) const = 0;
  // Reads one answer; throws FeedError if it is not usable.
  virtual std::vector<PublishedDay> parse(const FeedRequest& request,
                                          std::string_view body) const = 0;
};

// The days of several answers as one list, oldest first, one entry per date: the rates of
// answers for the same date are united (PTAX's one currency per answer). Throws FeedError if
// two answers give the same currency on the same date different rates, or the same date with
// different bases or directions.
std::vector<PublishedDay> merge_by_date(std::vector<PublishedDay> days);

// `base` (a configured URL prefix) followed by `rest`, with exactly one slash between.
std::string join_url(std::string_view base, std::string_view rest);

}  // namespace conv::converter
