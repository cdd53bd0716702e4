#pragma once

#include <string>
#include <vector>

#include "conv/converter/feeds/feed_source.hpp"

namespace conv::converter {

// The Banco Central do Brasil's PTAX closing rates, from its Olinda OData service: one GET of
// CotacaoMoedaPeriodo per configured currency (the service answers one currency at a time),
// read by parse_ptax_json and united by date (merge_by_date). The latest fetch asks the week
// up to the expected day, so that a late or re-published bulletin is picked up too.
class PtaxSource final : public FeedSource {
 public:
  static constexpr const char* kDefaultBaseUrl =
      "https://olinda.bcb.gov.br/olinda/servico/PTAX/versao/v1/odata/";

  // `currencies`: ISO 4217 codes PTAX quotes against BRL ("USD", "EUR"...); throws
  // std::invalid_argument if one is not three capital letters (it goes into the URL).
  explicit PtaxSource(std::vector<std::string> currencies, std::string base_url = kDefaultBaseUrl);

  std::string_view name() const override { return "bcb_ptax"; }
  std::optional<Provider> schedule() const override { return Provider::bcb_ptax; }
  std::vector<FeedRequest> latest(Date day) const override;
  std::vector<FeedRequest> backfill(Date first, Date last) const override;
  std::vector<PublishedDay> parse(const FeedRequest& request, std::string_view body) const override;

  // The URL of one currency's period, dates as OData wants them ('MM-DD-YYYY').
  std::string period_url(const std::string& currency, Date first, Date last) const;

 private:
  std::vector<std::string> currencies_;
  std::string base_url_;
};

}  // namespace conv::converter
