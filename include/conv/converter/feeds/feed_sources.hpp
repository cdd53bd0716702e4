#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conv/converter/feeds/feed_source.hpp"

namespace conv::converter {

// One configured provider, as a config file or flags would give it.
struct SourceSettings {
  std::string name;      // "ecb", "bcb_ptax" or "file"
  std::string base_url;  // empty: the provider's own HTTPS address (none for "file")
  // PTAX: the currencies to ask for (one request each); empty: kDefaultPtaxCurrencies.
  std::vector<std::string> currencies = {};
  // "file" only, and required: the rates file it reads.
  std::string path = {};
};

// The currencies of PTAX's main bulletin that conv knows.
inline const std::vector<std::string> kDefaultPtaxCurrencies = {"USD", "EUR", "GBP", "JPY", "CHF",
                                                                "CAD", "AUD", "DKK", "NOK", "SEK"};

// The names make_feed_source() knows, in the order a default config lists them.
std::vector<std::string_view> feed_source_names();

// The provider `settings` name, built from its settings, so that the role wiring needs no
// knowledge of each provider. Throws std::invalid_argument for an unknown name, a base URL
// that is not http(s), a PTAX currency that is not a code, a file provider without a path or
// with a URL, or a path for another provider.
std::shared_ptr<const FeedSource> make_feed_source(const SourceSettings& settings);

}  // namespace conv::converter
