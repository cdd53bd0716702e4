#include "conv/converter/feeds/acceptance.hpp"

#include <gtest/gtest.h>

namespace conv::converter {
namespace {

PublishedDay ecb(const char* iso, const char* usd, const char* brl = "6.0232") {
  PublishedDay d;
  d.date = *Date::parse(iso);
  d.provider = "ecb";
  d.base = "EUR";
  d.rates.emplace("USD", *Decimal::parse(usd));
  d.rates.emplace("BRL", *Decimal::parse(brl));
  return d;
}

AcceptRules rules() {
  return AcceptRules{"ecb", *Date::parse("2024-10-05"), *Decimal::parse("1.5"), true};
}

TEST(Acceptance, NewDaysAreAcceptedAndTheHeldOnesSkipped) {
  const RateHistory held({ecb("2024-10-02", "1.1066"), ecb("2024-10-03", "1.1036")});
  const auto a =
      accept_days(&held, {ecb("2024-10-03", "1.1036"), ecb("2024-10-04", "1.0994")}, rules());
  ASSERT_FALSE(a.failure);
  ASSERT_EQ(a.changed.size(), 1u);
  EXPECT_EQ(a.changed[0].date.text(), "2024-10-04");
  const auto merged = merge_history(&held, a.changed);
  EXPECT_EQ(merged->size(), 3u);
  EXPECT_EQ(held.size(), 2u);  // the history in force is never changed in place
}

TEST(Acceptance, ACorrectedDayReplacesTheHeldOne) {
  const RateHistory held({ecb("2024-10-03", "1.1036")});
  const auto a = accept_days(&held, {ecb("2024-10-03", "1.1037")}, rules());
  ASSERT_EQ(a.changed.size(), 1u);
  const auto merged = merge_history(&held, a.changed);
  EXPECT_EQ(merged->latest()->rates.at("USD").to_string(), "1.1037");
}

TEST(Acceptance, AJumpRefusesTheWholeAnswer) {
  const RateHistory held({ecb("2024-10-03", "1.1036")});
  const auto a =
      accept_days(&held, {ecb("2024-10-04", "1.0994"), ecb("2024-10-07", "2.5")}, rules());
  EXPECT_EQ(a.failure, FetchFailure::implausible);
  EXPECT_NE(a.detail.find("2024-10-07"), std::string::npos);
  EXPECT_TRUE(a.changed.empty());
  auto lenient = rules();
  lenient.refuse_jumps = false;  // logged only
  const auto b = accept_days(&held, {ecb("2024-10-04", "2.5")}, lenient);
  EXPECT_FALSE(b.failure);
  EXPECT_EQ(b.changed.size(), 1u);
  EXPECT_EQ(b.notes.size(), 1u);
}

TEST(Acceptance, EachFetchedDayIsComparedWithTheOneBefore) {
  // The second day moves far from the held one but not from the first fetched day.
  const RateHistory held({ecb("2024-09-02", "1.0")});
  const auto a = accept_days(&held, {ecb("2024-10-03", "1.4"), ecb("2024-10-04", "1.9")}, rules());
  EXPECT_FALSE(a.failure) << a.detail;
}

TEST(Acceptance, FutureDaysOtherProvidersAndEmptyDaysAreRefused) {
  EXPECT_EQ(accept_days(nullptr, {ecb("2024-10-06", "1.1")}, rules()).failure,
            FetchFailure::implausible);
  auto other = ecb("2024-10-03", "1.1");
  other.provider = "bcb_ptax";
  EXPECT_EQ(accept_days(nullptr, {other}, rules()).failure, FetchFailure::implausible);
  PublishedDay unknown = ecb("2024-10-03", "1.1");
  unknown.rates.clear();
  unknown.rates.emplace("XYZ", *Decimal::parse("1"));
  const auto a = accept_days(nullptr, {unknown}, rules());
  EXPECT_EQ(a.failure, FetchFailure::implausible);
  EXPECT_EQ(a.notes.size(), 1u);  // XYZ dropped
}

}  // namespace
}  // namespace conv::converter
