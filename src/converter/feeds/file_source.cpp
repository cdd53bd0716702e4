#include "conv/converter/feeds/file_source.hpp"

#include <filesystem>

#include "conv/converter/feeds/feed_file.hpp"
#include "conv/converter/rates.hpp"

namespace conv::converter {

FileSource::FileSource(const std::string& path)
    : path_(std::filesystem::absolute(path).lexically_normal().string()) {}

std::vector<FeedRequest> FileSource::latest(Date) const {
  return {FeedRequest{file_url(path_), {}}};
}

std::vector<FeedRequest> FileSource::backfill(Date first, Date) const {
  return latest(first);
}

std::vector<PublishedDay> FileSource::parse(const FeedRequest&, std::string_view body) const {
  try {
    return {parse_rates_day(body)};
  } catch (const RatesError& e) {
    throw FeedError(e.what());
  }
}

}  // namespace conv::converter
