#include "conv/converter/feeds/ptax_source.hpp"

#include <algorithm>
#include <stdexcept>

#include "conv/converter/feeds/ptax_json.hpp"

namespace conv::converter {

namespace {

// How far back the latest fetch looks: a week covers a long weekend and a late bulletin.
constexpr std::int32_t kLatestWindowDays = 7;

bool iso_code(const std::string& c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
}

// "2024-10-02" -> "10-02-2024": OData's date parameters here are month first.
std::string odata_date(Date d) {
  const std::string iso = d.text();
  return iso.substr(5, 2) + "-" + iso.substr(8, 2) + "-" + iso.substr(0, 4);
}

}  // namespace

PtaxSource::PtaxSource(std::vector<std::string> currencies, std::string base_url)
    : currencies_(std::move(currencies)), base_url_(std::move(base_url)) {
  for (const auto& c : currencies_) {
    if (!iso_code(c)) throw std::invalid_argument("PTAX currency \"" + c + "\": not an ISO code");
  }
}

std::string PtaxSource::period_url(const std::string& currency, Date first, Date last) const {
  return join_url(base_url_,
                  "CotacaoMoedaPeriodo(moeda=@moeda,dataInicial=@dataInicial,"
                  "dataFinalCotacao=@dataFinalCotacao)?@moeda='" +
                      currency + "'&@dataInicial='" + odata_date(first) + "'&@dataFinalCotacao='" +
                      odata_date(last) + "'&$format=json");
}

std::vector<FeedRequest> PtaxSource::latest(Date day) const {
  return backfill(Date::from_days(day.days() - kLatestWindowDays), day);
}

std::vector<FeedRequest> PtaxSource::backfill(Date first, Date last) const {
  std::vector<FeedRequest> out;
  out.reserve(currencies_.size());
  for (const auto& c : currencies_) out.push_back(FeedRequest{period_url(c, first, last), c});
  return out;
}

std::vector<PublishedDay> PtaxSource::parse(const FeedRequest& request,
                                            std::string_view body) const {
  return parse_ptax_json(body, request.part);
}

}  // namespace conv::converter
