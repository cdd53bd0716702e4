#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "conv/balancer/proxy/attempt.hpp"
#include "conv/balancer/proxy/body_relay.hpp"
#include "conv/balancer/proxy/proxy.hpp"
#include "conv/balancer/proxy/request_leg.hpp"
#include "conv/balancer/proxy/response_leg.hpp"
#include "conv/balancer/proxy/retry_policy.hpp"
#include "conv/balancer/proxy/tunnel.hpp"
#include "conv/http/deadline_timer.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// The stages of one exchange, in order; a retry goes back to `connecting`.
enum class Stage {
  reading_body_start,  // a request with a body: its first piece, before any upstream hears of it
  connecting,          // an Attempt: an upstream, and a pooled connection or a new one (its
                       // TLS handshake too)
  sending_head,
  sending_body,
  reading_head,   // the upstream's response head (interim 1xx ones skipped)
  writing_head,   // the client's response head, with the start of the body
  relaying_body,  // the response body
  tunnelling,     // after a 101: bytes both ways (Tunnel)
  ended
};

// How an exchange ends.
struct Outcome {
  enum class Kind {
    finished,     // the response went out whole
    client_gone,  // cut short: the client's connection closes
    answer        // the balancer's own answer (an error status), if nothing went out yet
  };
  Kind kind;
  bool keep_alive = false;  // finished: the client's connection may serve another request
  std::optional<http::Response> answer;

  static Outcome finished(bool keep_alive) { return {Kind::finished, keep_alive, {}}; }
  static Outcome client_gone() { return {Kind::client_gone, false, {}}; }
  static Outcome answered(http::Response r) { return {Kind::answer, false, std::move(r)}; }
  static Outcome error(unsigned status, std::string_view code, std::string_view message);
};

// One proxied request (see proxy.cpp for the steps, the retry rules and the status codes):
// the stage it is at, the attempt loop, the one deadline of the operation in progress, and the
// one way out, end(). The request and response legs do the I/O of their halves.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Clock = std::chrono::steady_clock;

  Exchange(ProxyContext& ctx, const http::RequestHeader& request, const http::RequestInfo& info,
           http::Responder responder);
  ~Exchange();

  void start();
  // The deadline of the operation in progress passed: it is cancelled, and fails.
  void on_deadline();

 private:
  friend class RequestLeg;
  friend class ResponseLeg;
  friend class Tunnel;

  // Completion handlers keep the exchange alive and run on its executor.
  template <typename F>
  auto bind(F f) {
    return boost::asio::bind_executor(
        executor_, [self = shared_from_this(), f](auto... args) { f(*self, args...); });
  }

  void identify();
  void attempt();
  void on_connect(boost::system::error_code ec);
  void on_handshake(boost::system::error_code ec);
  void connect_failed(std::string message, FailureReason why);
  // The attempt failed at the current stage; `upstream_fault`: false for a pooled connection
  // the upstream had closed before we used it, which says nothing about its health.
  void upstream_failed(AttemptError error, std::string message, bool upstream_fault = true);
  // The same, counted against the upstream as `blamed` (none: not its fault).
  void failed(AttemptError error, std::string message, std::optional<FailureReason> blamed);
  // What an `error` at the current stage counts as (for conv_upstream_failures_total).
  FailureReason blame(AttemptError error) const;
  bool should_retry(AttemptError error);
  Outcome failure_answer() const;
  void end(Outcome outcome);

  void arm(std::chrono::milliseconds timeout);
  bool disarm();  // ends the timed operation; true if it timed out

  ProxyContext& ctx_;
  const http::RequestHeader& request_;
  http::RequestInfo info_;  // its remote_address is the session's, valid for the exchange
  http::Responder responder_;
  boost::asio::any_io_executor executor_;
  http::DeadlineTimer timer_;
  bool timed_out_ = false;
  Stage stage_ = Stage::reading_body_start;
  Clock::time_point retry_deadline_;
  Attempt attempt_;
  bool budget_share_ = false;  // holds a share of the retry budget
  unsigned last_status_ = 502;
  std::string last_error_;
  BodyRelay relay_;  // the request body, then the response body
  RequestLeg request_leg_{*this};
  ResponseLeg response_leg_{*this};
  Tunnel tunnel_{*this};
  // The request asks to switch protocols (asks_upgrade(), HTTP/1.1): its Upgrade is forwarded,
  // it is not retried once sent, and its upstream connection is never pooled.
  bool upgrade_ = false;
  std::string request_id_;            // X-Request-Id, to the upstream and back (identify())
  std::optional<TraceParent> trace_;  // the client's valid traceparent, if any
  unsigned status_ = 0;               // the upstream's final status
  std::uint64_t body_bytes_ = 0;      // response body bytes relayed to the client
};

}  // namespace conv::balancer
