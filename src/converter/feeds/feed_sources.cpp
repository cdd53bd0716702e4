#include "conv/converter/feeds/feed_sources.hpp"

#include <stdexcept>

#include "conv/converter/feeds/ecb_source.hpp"
#include "conv/converter/feeds/file_source.hpp"
#include "conv/converter/feeds/ptax_source.hpp"
#include "conv/http/probe.hpp"

namespace conv::converter {

namespace {

std::string known_names() {
  std::string out;
  for (const auto name : feed_source_names()) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// The file provider reads a path, the others a URL: each refuses the other's setting, so that
// a misplaced one is said at start-up rather than silently ignored.
void check_where(const SourceSettings& settings) {
  const std::string who = "rates provider " + settings.name;
  if (settings.name == "file") {
    if (!settings.base_url.empty()) throw std::invalid_argument(who + " reads a file, not a URL");
    if (settings.path.empty()) throw std::invalid_argument(who + ": no rates file given");
    return;
  }
  if (!settings.path.empty()) throw std::invalid_argument(who + " reads a URL, not a file");
  // A bad URL is a configuration error, said at start-up, not a failed fetch a day later.
  if (!settings.base_url.empty() && !http::parse_http_url(settings.base_url)) {
    throw std::invalid_argument(who + ": base URL \"" + settings.base_url +
                                "\" is not an http(s) URL");
  }
}

}  // namespace

std::vector<std::string_view> feed_source_names() {
  return {"ecb", "bcb_ptax", "file"};
}

std::shared_ptr<const FeedSource> make_feed_source(const SourceSettings& settings) {
  if (settings.name == "ecb") {
    check_where(settings);
    return std::make_shared<EcbSource>(settings.base_url.empty() ? EcbSource::kDefaultBaseUrl
                                                                 : settings.base_url);
  }
  if (settings.name == "bcb_ptax") {
    check_where(settings);
    return std::make_shared<PtaxSource>(
        settings.currencies.empty() ? kDefaultPtaxCurrencies : settings.currencies,
        settings.base_url.empty() ? PtaxSource::kDefaultBaseUrl : settings.base_url);
  }
  if (settings.name == "file") {
    check_where(settings);
    return std::make_shared<FileSource>(settings.path);
  }
  throw std::invalid_argument("unknown rates provider \"" + settings.name +
                              "\" (known: " + known_names() + ")");
}

}  // namespace conv::converter
