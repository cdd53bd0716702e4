#include "conv/balancer/proxy/retry_policy.hpp"

namespace conv::balancer {

namespace {

// Whether the failure itself allows a replay, whatever the limits say.
RetryReason replayable(const RetryInput& in) {
  switch (in.stage) {
    case AttemptStage::connect:
      return RetryReason::retry;  // nothing was sent: any method
    case AttemptStage::send_head:
      return in.body_sent ? RetryReason::not_replayable : RetryReason::retry;
    case AttemptStage::send_body:
      return RetryReason::not_replayable;  // part of the body is gone
    case AttemptStage::read_head:
      // Nothing came back at all (a stale keep-alive connection, or an upstream that died):
      // an idempotent request without a body can go to the next upstream.
      if (in.error != AttemptError::closed_silently) return RetryReason::answered;
      if (!in.idempotent) return RetryReason::not_idempotent;
      return in.body_sent ? RetryReason::not_replayable : RetryReason::retry;
    case AttemptStage::relay_body:
      break;
  }
  return RetryReason::response_started;
}

}  // namespace

RetryDecision decide_retry(const RetryInput& in) {
  if (const auto r = replayable(in); r != RetryReason::retry) return {r};
  if (in.attempts >= in.max_attempts) return {RetryReason::tries_exhausted};
  if (in.now >= in.deadline) return {RetryReason::deadline_passed};
  switch (in.budget) {
    case BudgetVerdict::not_asked:
      return {RetryReason::ask_budget};
    case BudgetVerdict::refused:
      return {RetryReason::budget_refused};
    case BudgetVerdict::granted:
      break;
  }
  return {RetryReason::retry};
}

}  // namespace conv::balancer
