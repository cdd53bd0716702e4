#include "conv/converter/feeds/refresh_plan.hpp"

#include <gtest/gtest.h>

#include "moved_clock.hpp"

namespace conv::converter {
namespace {

namespace chr = std::chrono;

PlanSettings no_jitter() {
  PlanSettings s;
  s.jitter_permille = 0;
  s.seed = 7;
  return s;
}

TEST(RefreshPlan, UpToDateWaitsForTheNextPublicationPlusGrace) {
  // The ECB publishes at 16:00 CEST, 14:00 UTC; the fetch is 5 minutes later.
  const RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), at("2024-10-03", 10));
  EXPECT_EQ(plan.next().at, at("2024-10-03", 14, 5));
  EXPECT_EQ(plan.next().kind, FetchKind::latest);
  EXPECT_EQ(plan.next().day, day("2024-10-03"));
}

TEST(RefreshPlan, WithinTheGraceThePublicationOfTheDayIsStillAhead) {
  const RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), at("2024-10-03", 14, 2));
  EXPECT_EQ(plan.next().at, at("2024-10-03", 14, 5));
}

TEST(RefreshPlan, BehindTheExpectedDayFetchesAtOnce) {
  const auto now = at("2024-10-03", 15);
  const RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  EXPECT_EQ(plan.next().at, now);
  EXPECT_EQ(plan.next().kind, FetchKind::latest);
  EXPECT_EQ(plan.next().day, day("2024-10-03"));
}

TEST(RefreshPlan, NothingHeldOrAWideGapIsBackFilled) {
  const auto now = at("2024-10-03", 15);
  const RefreshPlan empty(Provider::ecb, no_jitter(), std::nullopt, now);
  EXPECT_EQ(empty.next().at, now);
  EXPECT_EQ(empty.next().kind, FetchKind::backfill);
  EXPECT_EQ(empty.next().first, day("2024-07-05"));  // 90 days before
  EXPECT_EQ(empty.next().day, day("2024-10-03"));
  const RefreshPlan gap(Provider::ecb, no_jitter(), day("2024-09-20"), now);
  EXPECT_EQ(gap.next().kind, FetchKind::backfill);
  // Friday to Tuesday is no gap: the weekend publishes nothing.
  const RefreshPlan weekend(Provider::ecb, no_jitter(), day("2024-09-27"), at("2024-10-01", 15));
  EXPECT_EQ(weekend.next().kind, FetchKind::latest);
}

TEST(RefreshPlan, AWeekendIsSkipped) {
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-03"), at("2024-10-04", 14, 5));
  plan.succeeded(at("2024-10-04", 14, 6), day("2024-10-04"));
  EXPECT_EQ(plan.next().at, at("2024-10-07", 14, 5));  // Monday
  EXPECT_EQ(plan.next().day, day("2024-10-07"));
  const RefreshPlan saturday(Provider::ecb, no_jitter(), day("2024-10-04"), at("2024-10-05", 12));
  EXPECT_EQ(saturday.next().at, at("2024-10-07", 14, 5));
}

TEST(RefreshPlan, HolidaysAreSkippedOnEachProvidersCalendar) {
  // TARGET2 closes on 25 and 26 December; winter time: 15:00 UTC.
  const RefreshPlan ecb(Provider::ecb, no_jitter(), day("2024-12-24"), at("2024-12-24", 16));
  EXPECT_EQ(ecb.next().at, at("2024-12-27", 15, 5));
  // Brazil's Carnival Monday and Tuesday; PTAX's closing is expected at 16:00 UTC.
  const RefreshPlan ptax(Provider::bcb_ptax, no_jitter(), day("2024-02-09"), at("2024-02-09", 17));
  EXPECT_EQ(ptax.next().at, at("2024-02-14", 16, 5));
}

TEST(RefreshPlan, ADayNotYetPublishedIsPolledAgainForABoundedTime) {
  auto now = at("2024-10-03", 14, 5);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  EXPECT_EQ(plan.next().at, now);
  // The feed still says 2024-10-02: again in 5 minutes, for at most 6 hours after 14:00.
  int polls = 0;
  for (; polls < 200 && plan.next().day == day("2024-10-03"); ++polls) {
    now = plan.next().at;
    plan.succeeded(now, day("2024-10-02"));
    if (plan.next().day == day("2024-10-03")) {
      EXPECT_EQ(plan.next().at, now + chr::minutes(5));
    }
  }
  EXPECT_LE(now, at("2024-10-03", 20, 5));
  EXPECT_GE(polls, 70);
  EXPECT_EQ(plan.next().at, at("2024-10-04", 14, 5));  // given up: the next publication
  EXPECT_EQ(plan.failures(), 0u);
}

TEST(RefreshPlan, TheExpectedDayArrivingEndsThePolling) {
  const auto now = at("2024-10-03", 14, 5);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  plan.succeeded(now, day("2024-10-02"));
  plan.succeeded(now + chr::minutes(5), day("2024-10-03"));
  EXPECT_EQ(plan.latest(), day("2024-10-03"));
  EXPECT_EQ(plan.next().at, at("2024-10-04", 14, 5));
}

TEST(RefreshPlan, FailuresBackOffExponentiallyUpToTheCap) {
  const auto now = at("2024-10-03", 15);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  const int expected_minutes[] = {1, 2, 4, 8, 16, 30, 30, 30};
  for (int minutes : expected_minutes) {
    plan.failed(now);
    EXPECT_EQ(plan.next().at, now + chr::minutes(minutes));
    EXPECT_EQ(plan.next().day, day("2024-10-03"));  // the same fetch, later
  }
  EXPECT_EQ(plan.failures(), 8u);
  for (int i = 0; i < 100; ++i) plan.failed(now);  // no overflow however long the outage
  EXPECT_EQ(plan.next().at, now + chr::minutes(30));
}

TEST(RefreshPlan, ARetryAfterALongOutageAsksForWhatIsDueThen) {
  auto now = at("2024-10-03", 15);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  for (int i = 0; i < 60 && now < at("2024-10-04", 15); ++i) {
    plan.failed(now);
    now = plan.next().at;
  }
  EXPECT_EQ(plan.next().day, day("2024-10-04"));
  for (int i = 0; i < 400 && now < at("2024-10-10", 15); ++i) {
    plan.failed(now);
    now = plan.next().at;
  }
  EXPECT_EQ(plan.next().kind, FetchKind::backfill);  // the gap is too wide for the daily file
}

TEST(RefreshPlan, AFailedFetchThatWasNotDueWaitsForThePublication) {
  const auto now = at("2024-10-03", 16);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-03"), now);
  plan.failed(now);  // a manual refresh while up to date
  EXPECT_EQ(plan.next().at, at("2024-10-04", 14, 5));
}

TEST(RefreshPlan, JitterShortensEachDelayByAtMostItsShare) {
  PlanSettings s;
  s.seed = 42;  // jitter_permille 200: each delay in [0.8 x, x]
  const auto now = at("2024-10-03", 15);
  RefreshPlan plan(Provider::ecb, s, day("2024-10-02"), now);
  bool shortened = false;
  for (const int full : {60, 120, 240, 480, 960, 1800, 1800, 1800, 1800, 1800}) {
    plan.failed(now);
    const auto delay = (plan.next().at - now).count();
    EXPECT_GE(delay, full * 8 / 10);
    EXPECT_LE(delay, full);
    shortened = shortened || delay < full;
  }
  EXPECT_TRUE(shortened);
}

TEST(RefreshPlan, ASuccessResetsTheBackoff) {
  auto now = at("2024-10-03", 15);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-02"), now);
  for (int i = 0; i < 5; ++i) plan.failed(now);
  plan.succeeded(now, day("2024-10-03"));
  EXPECT_EQ(plan.failures(), 0u);
  EXPECT_EQ(plan.next().at, at("2024-10-04", 14, 5));
  now = plan.next().at;
  plan.failed(now);
  EXPECT_EQ(plan.next().at, now + chr::minutes(1));
}

TEST(RefreshPlan, TheLatestDayNeverGoesBack) {
  const auto now = at("2024-10-03", 15);
  RefreshPlan plan(Provider::ecb, no_jitter(), day("2024-10-03"), now);
  plan.succeeded(now, day("2024-10-01"));
  plan.succeeded(now, std::nullopt);
  EXPECT_EQ(plan.latest(), day("2024-10-03"));
}

TEST(RefreshPlan, WithoutACalendarReadsAtOnceThenEveryReread) {
  const auto now = at("2024-10-05", 10);  // a Saturday: no calendar closes a file
  RefreshPlan plan(std::nullopt, no_jitter(), day("2024-09-01"), now);
  EXPECT_EQ(plan.next().at, now);  // at start, whatever the file's day
  EXPECT_EQ(plan.next().kind, FetchKind::latest);
  plan.succeeded(now, day("2024-09-01"));  // an old as_of is not "behind": nothing is due
  EXPECT_EQ(plan.next().at, now + chr::minutes(5));
  EXPECT_EQ(plan.next().kind, FetchKind::latest);
  EXPECT_EQ(plan.expected_day(now), day("2024-10-05"));
}

TEST(RefreshPlan, WithoutACalendarAFailedReadIsRetriedWithinReread) {
  auto settings = no_jitter();
  const auto now = at("2024-10-05", 10);
  RefreshPlan plan(std::nullopt, settings, std::nullopt, now);
  plan.failed(now);
  EXPECT_EQ(plan.next().at, now + chr::minutes(1));  // the backoff, while shorter
  for (int i = 0; i < 10; ++i) plan.failed(now);
  EXPECT_EQ(plan.next().at, now + settings.reread);  // not the 30-minute cap
  EXPECT_EQ(plan.failures(), 11u);
}

}  // namespace
}  // namespace conv::converter
