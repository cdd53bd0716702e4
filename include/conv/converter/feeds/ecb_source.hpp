#pragma once

#include <string>

#include "conv/converter/feeds/feed_source.hpp"

namespace conv::converter {

// The European Central Bank's euro reference rates: eurofxref-daily.xml for the latest day,
// eurofxref-hist-90d.xml to back-fill (the last 90 days, whatever the range asked; a longer
// gap is `conv rates import` of eurofxref-hist.xml). Both are read by parse_ecb_xml.
class EcbSource final : public FeedSource {
 public:
  static constexpr const char* kDefaultBaseUrl = "https://www.ecb.europa.eu/stats/eurofxref/";

  // `base_url`: where the two files are (tests: the fake provider on loopback).
  explicit EcbSource(std::string base_url = kDefaultBaseUrl) : base_url_(std::move(base_url)) {}

  std::string_view name() const override { return "ecb"; }
  std::optional<Provider> schedule() const override { return Provider::ecb; }
  std::vector<FeedRequest> latest(Date day) const override;
  std::vector<FeedRequest> backfill(Date first, Date last) const override;
  std::vector<PublishedDay> parse(const FeedRequest& request, std::string_view body) const override;

 private:
  std::string base_url_;
};

}  // namespace conv::converter
