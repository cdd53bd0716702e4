#include "conv/converter/feeds/feed_sources.hpp"

#include <stdexcept>

#include "conv/converter/feeds/ecb_source.hpp"
#include "conv/converter/feeds/ptax_source.hpp"
#include "conv/http/probe.hpp"

namespace conv::converter {

std::vector<std::string_view> feed_source_names() {
  return {"ecb", "bcb_ptax"};
}

std::shared_ptr<const FeedSource> make_feed_source(const SourceSettings& settings) {
  // A bad URL is a configuration error, said at start-up, not a failed fetch a day later.
  if (!settings.base_url.empty() && !http::parse_http_url(settings.base_url)) {
    throw std::invalid_argument("rates provider " + settings.name + ": base URL \"" +
                                settings.base_url + "\" is not an http(s) URL");
  }
  if (settings.name == "ecb") {
    return std::make_shared<EcbSource>(settings.base_url.empty() ? EcbSource::kDefaultBaseUrl
                                                                 : settings.base_url);
  }
  if (settings.name == "bcb_ptax") {
    return std::make_shared<PtaxSource>(
        settings.currencies.empty() ? kDefaultPtaxCurrencies : settings.currencies,
        settings.base_url.empty() ? PtaxSource::kDefaultBaseUrl : settings.base_url);
  }
  throw std::invalid_argument("unknown rates provider \"" + settings.name +
                              "\" (known: ecb, bcb_ptax)");
}

}  // namespace conv::converter
