#include "conv/converter/catalog.hpp"

#include <algorithm>

namespace conv::converter {

namespace {

// What answers name as their source, by provider.
std::string source_of(std::string_view provider) {
  if (provider == "ecb") return "European Central Bank, euro foreign exchange reference rates";
  if (provider == "bcb_ptax") return "Banco Central do Brasil, PTAX closing rates";
  // A store keeps no source text: the file's own is in the file, for whoever wrote it.
  if (provider == "file") return "the operator's rates file";
  return std::string(provider);
}

bool earlier(const RateTable& a, const RateTable& b) {
  return a.as_of_epoch < b.as_of_epoch;
}

}  // namespace

RatesCatalog::RatesCatalog(std::vector<RateTable> days) : days_(std::move(days)) {
  if (days_.empty()) throw RatesError("no day of rates");
  std::sort(days_.begin(), days_.end(), earlier);
  for (std::size_t i = 1; i < days_.size(); ++i) {
    if (days_[i].as_of_epoch == days_[i - 1].as_of_epoch) {
      throw RatesError(days_[i].as_of + " is given twice");
    }
  }
  if (days_.back().cross.empty()) days_.back().prepare_cross_rates();
  followed_legacy_ = converter::followed_legacy(days_.back());
}

const RateTable* RatesCatalog::on(Date date) const {
  const auto after =
      std::upper_bound(days_.begin(), days_.end(), date,
                       [](const Date& d, const RateTable& day) { return d < date_of(day); });
  return after == days_.begin() ? nullptr : &*std::prev(after);
}

std::span<const RateTable> RatesCatalog::between(Date first, Date last) const {
  const auto from =
      std::lower_bound(days_.begin(), days_.end(), first,
                       [](const RateTable& day, const Date& d) { return date_of(day) < d; });
  const auto to =
      std::upper_bound(from, days_.end(), last,
                       [](const Date& d, const RateTable& day) { return d < date_of(day); });
  return {from, to};
}

RateTable table_from_day(PublishedDay day) {
  RateTable t;
  t.base = day.base;
  t.as_of = day.date.text();
  t.as_of_epoch = day.date.epoch_seconds();
  t.provider = day.provider;
  t.source = source_of(day.provider);
  t.per_base = day.direction == PublishedDay::Direction::per_base;
  t.quotes = std::move(day.rates);
  t.quotes.emplace(day.base, Decimal(1, 0));
  return t;
}

std::shared_ptr<const RatesCatalog> catalog_from_days(std::vector<PublishedDay> days) {
  if (days.empty()) return nullptr;
  std::vector<RateTable> tables;
  tables.reserve(days.size());
  for (auto& day : days) {
    tables.push_back(table_from_day(std::move(day)));
    day = PublishedDay{};  // its strings freed now, not with the vector
  }
  return std::make_shared<const RatesCatalog>(std::move(tables));
}

}  // namespace conv::converter
