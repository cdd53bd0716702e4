#include "conv/balancer/proxy/retry_policy.hpp"

#include <gtest/gtest.h>

namespace conv::balancer {
namespace {

using Clock = std::chrono::steady_clock;

// A GET whose connection was closed before any answer, first of three tries, in time, with
// the budget granted: the one case every rule lets through.
RetryInput retryable() {
  const auto now = Clock::now();
  return {AttemptStage::read_head,
          AttemptError::closed_silently,
          /*idempotent=*/true,
          /*body_sent=*/false,
          /*attempts=*/1,
          /*max_attempts=*/3,
          now,
          now + std::chrono::seconds(5),
          BudgetVerdict::granted};
}

RetryReason reason(const RetryInput& in) {
  return decide_retry(in).reason;
}

TEST(RetryPolicy, AnIdempotentRequestClosedWithoutAnswerIsRetried) {
  EXPECT_TRUE(decide_retry(retryable()).retry());
}

TEST(RetryPolicy, ConnectFailuresAreRetriedForEveryMethod) {
  for (auto error : {AttemptError::io, AttemptError::timeout}) {
    auto in = retryable();
    in.stage = AttemptStage::connect;
    in.error = error;
    in.idempotent = false;  // a POST: nothing was sent
    EXPECT_EQ(reason(in), RetryReason::retry);
  }
}

TEST(RetryPolicy, AFailedHeadWriteIsRetriedUnlessBodyBytesWentUpstream) {
  auto in = retryable();
  in.stage = AttemptStage::send_head;
  in.error = AttemptError::timeout;
  in.idempotent = false;
  EXPECT_EQ(reason(in), RetryReason::retry);
  in.body_sent = true;
  EXPECT_EQ(reason(in), RetryReason::not_replayable);
}

TEST(RetryPolicy, AFailedBodyWriteIsNeverRetried) {
  auto in = retryable();
  in.stage = AttemptStage::send_body;
  in.error = AttemptError::io;
  EXPECT_EQ(reason(in), RetryReason::not_replayable);
}

TEST(RetryPolicy, ANonIdempotentRequestIsNotRepeatedOnceSent) {
  auto in = retryable();
  in.idempotent = false;  // a POST or PATCH the upstream may have acted on
  EXPECT_EQ(reason(in), RetryReason::not_idempotent);
}

TEST(RetryPolicy, AnIdempotentRequestWithABodySentIsNotRepeated) {
  auto in = retryable();
  in.body_sent = true;  // a PUT whose body was streamed cannot be replayed
  EXPECT_EQ(reason(in), RetryReason::not_replayable);
}

TEST(RetryPolicy, AnAnswerOrAResponseTimeoutIsNotRetried) {
  for (auto error : {AttemptError::timeout, AttemptError::bad_response, AttemptError::io}) {
    auto in = retryable();
    in.error = error;
    EXPECT_EQ(reason(in), RetryReason::answered);
  }
}

TEST(RetryPolicy, NothingIsRetriedOnceTheResponseIsGoingToTheClient) {
  auto in = retryable();
  in.stage = AttemptStage::relay_body;
  EXPECT_EQ(reason(in), RetryReason::response_started);
}

TEST(RetryPolicy, TheLastTryIsTheLast) {
  auto in = retryable();
  in.attempts = 3;
  EXPECT_EQ(reason(in), RetryReason::tries_exhausted);
  in.attempts = 2;
  EXPECT_EQ(reason(in), RetryReason::retry);
}

TEST(RetryPolicy, NoRetryAfterTheRetryDeadline) {
  auto in = retryable();
  in.now = in.deadline;
  EXPECT_EQ(reason(in), RetryReason::deadline_passed);
}

TEST(RetryPolicy, TheBudgetIsAskedOnlyWhenAllElseAllowsARetry) {
  auto in = retryable();
  in.budget = BudgetVerdict::not_asked;
  EXPECT_EQ(reason(in), RetryReason::ask_budget);
  EXPECT_FALSE(decide_retry(in).retry());
  in.attempts = in.max_attempts;  // out of tries: the budget is not consulted
  EXPECT_EQ(reason(in), RetryReason::tries_exhausted);
  in = retryable();
  in.idempotent = false;
  in.budget = BudgetVerdict::not_asked;
  EXPECT_EQ(reason(in), RetryReason::not_idempotent);
}

TEST(RetryPolicy, ARefusedBudgetStopsTheRetry) {
  auto in = retryable();
  in.budget = BudgetVerdict::refused;
  EXPECT_EQ(reason(in), RetryReason::budget_refused);
}

}  // namespace
}  // namespace conv::balancer
