#include "conv/converter/feeds/ecb_source.hpp"

#include "conv/converter/feeds/ecb_xml.hpp"

namespace conv::converter {

// The daily file holds only the last publication: asking for an earlier day is not possible,
// and not needed (a gap is back-filled).
std::vector<FeedRequest> EcbSource::latest(Date) const {
  return {FeedRequest{join_url(base_url_, "eurofxref-daily.xml"), {}}};
}

std::vector<FeedRequest> EcbSource::backfill(Date, Date) const {
  return {FeedRequest{join_url(base_url_, "eurofxref-hist-90d.xml"), {}}};
}

std::vector<PublishedDay> EcbSource::parse(const FeedRequest&, std::string_view body) const {
  return parse_ecb_xml(body);
}

}  // namespace conv::converter
