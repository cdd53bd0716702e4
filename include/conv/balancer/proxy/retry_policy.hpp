#pragma once

#include <chrono>
#include <cstddef>

namespace conv::balancer {

// Where an attempt on one upstream failed.
enum class AttemptStage {
  connect,    // resolving or connecting: nothing was sent
  send_head,  // writing the request head
  send_body,  // writing the request body
  read_head,  // waiting for, or parsing, the response head
  relay_body  // relaying the response body: its head has gone to the client
};

// What went wrong there.
enum class AttemptError {
  io,               // an I/O error: refused, reset, unreachable, unresolved
  timeout,          // the stage's timeout
  closed_silently,  // the upstream closed (or reset) without sending a byte of response
  bad_response      // the upstream answered, but unusably (malformed, 101, too many 1xx)
};

// The retry budget (RetryBudget) is asked only when everything else allows a retry: asking
// takes a share of it.
enum class BudgetVerdict { not_asked, granted, refused };

struct RetryInput {
  AttemptStage stage;
  AttemptError error;
  bool idempotent;           // the method may be replayed (RFC 9110 9.2.2)
  bool body_sent;            // request body bytes went upstream: the request cannot be replayed
  std::size_t attempts;      // made so far, the failed one included
  std::size_t max_attempts;  // retries.tries (bounded by what the exchange can record)
  std::chrono::steady_clock::time_point now;
  std::chrono::steady_clock::time_point deadline;  // now + timeouts.retry at the start
  BudgetVerdict budget;
};

enum class RetryReason {
  retry,             // go on with the next upstream
  ask_budget,        // a retry, if the budget grants one: ask it, and decide again
  not_replayable,    // the request (some of its body) already went upstream
  not_idempotent,    // the upstream may have acted on a request that is unsafe to repeat
  answered,          // the upstream answered or timed out after the request was sent
  response_started,  // the response is already going to the client
  tries_exhausted,
  deadline_passed,
  budget_refused
};

struct RetryDecision {
  RetryReason reason;
  bool retry() const { return reason == RetryReason::retry; }
};

// Whether a failed attempt goes on to the next upstream. Pure: the exchange gathers the input.
RetryDecision decide_retry(const RetryInput& in);

}  // namespace conv::balancer
