#pragma once

#include <string_view>
#include <vector>

#include "conv/converter/feeds/published_day.hpp"

namespace conv::converter {

// The European Central Bank's euro foreign exchange reference rates, in the XML of
// eurofxref-daily.xml (one day), eurofxref-hist-90d.xml and eurofxref-hist.xml (every day
// since 1999, newest first):
//
//   <gesmes:Envelope ...><Cube><Cube time="2024-10-03"><Cube currency="USD" rate="1.1036"/>...
//
// Each day's rates are units of the currency one euro buys (Direction::per_base, base EUR),
// kept as the exact decimals published. Parsed with expat, streaming: a document type
// declaration (entities, a billion laughs) is refused, as are a bad date, a currency code
// that is not three capital letters, a rate that is not a positive plain decimal, a day
// listed twice or a day without rates. Throws FeedError("LINE:COLUMN: what").
std::vector<PublishedDay> parse_ecb_xml(std::string_view xml);

}  // namespace conv::converter
