#include "conv/converter/feeds/feed_source.hpp"

#include <algorithm>
#include <map>

namespace conv::converter {

namespace {

// Adds `from`'s rates to `into` (same date), refusing a contradiction.
void unite(PublishedDay& into, PublishedDay&& from) {
  if (into.base != from.base || into.direction != from.direction) {
    throw FeedError(into.date.text() + ": answers with different bases for the same day");
  }
  for (auto& [code, rate] : from.rates) {
    const auto [it, added] = into.rates.emplace(code, rate);
    if (!added && !(it->second == rate)) {
      throw FeedError(into.date.text() + ": two different rates for " + code);
    }
  }
}

}  // namespace

std::vector<PublishedDay> merge_by_date(std::vector<PublishedDay> days) {
  std::map<std::int32_t, PublishedDay> by_date;
  for (auto& day : days) {
    const auto it = by_date.find(day.date.days());
    if (it == by_date.end()) {
      by_date.emplace(day.date.days(), std::move(day));
    } else {
      unite(it->second, std::move(day));
    }
  }
  std::vector<PublishedDay> out;
  out.reserve(by_date.size());
  for (auto& [_, day] : by_date) out.push_back(std::move(day));
  return out;
}

std::string join_url(std::string_view base, std::string_view rest) {
  while (base.ends_with('/')) base.remove_suffix(1);
  while (rest.starts_with('/')) rest.remove_prefix(1);
  std::string url(base);
  url += '/';
  url += rest;
  return url;
}

}  // namespace conv::converter
