#include "conv/balancer/proxy/exchange.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>

#include "conv/http/error_response.hpp"
#include "conv/log/logger.hpp"

namespace conv::balancer {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

bool idempotent(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
    case bhttp::verb::head:
    case bhttp::verb::options:
    case bhttp::verb::put:
    case bhttp::verb::delete_:
    case bhttp::verb::trace:
      return true;
    default:
      return false;
  }
}

AttemptStage attempt_stage(Stage stage) {
  switch (stage) {
    case Stage::reading_body_start:
    case Stage::connecting:
      return AttemptStage::connect;
    case Stage::sending_head:
      return AttemptStage::send_head;
    case Stage::sending_body:
      return AttemptStage::send_body;
    case Stage::reading_head:
      return AttemptStage::read_head;
    default:
      return AttemptStage::relay_body;
  }
}

}  // namespace

Outcome Outcome::error(unsigned status, std::string_view code, std::string_view message) {
  return answered(http::error_response(status, code, message));
}

Exchange::Exchange(ProxyContext& ctx, const http::RequestHeader& request,
                   const http::RequestInfo& info, http::Responder responder)
    : ctx_(ctx),
      request_(request),
      info_(info),
      responder_(std::move(responder)),
      executor_(responder_.executor()),
      timer_(executor_),
      attempt_(ctx) {}

Exchange::~Exchange() {
  attempt_.release(body_bytes_);
  if (budget_share_) ctx_.budget.finish();
}

void Exchange::start() {
  identify();
  const std::string_view target = request_.target();
  const bool origin_form = !target.empty() && target.front() == '/';
  const bool asterisk = target == "*" && request_.method() == bhttp::verb::options;
  if (!origin_form && !asterisk) {
    end(Outcome::error(400, "bad_target", "the request target must be a path (origin-form)"));
    return;
  }
  // HTTP/1.0 has no Upgrade: its Upgrade is dropped as a hop-by-hop header.
  upgrade_ = request_.version() == 11 && asks_upgrade(request_);
  retry_deadline_ = Clock::now() + ctx_.settings.retry_timeout();
  request_leg_.begin();
}

// The request's ID, kept or made, and its trace context: once per exchange, so that every
// attempt, the client's answer and the access log agree.
void Exchange::identify() {
  const RequestIdMode mode = ctx_.settings.request_id();
  const bool keep = mode == RequestIdMode::keep || (mode == RequestIdMode::trusted &&
                                                    ctx_.trusted.contains(info_.remote.address()));
  const IncomingIds incoming = incoming_ids(request_);
  request_id_ = keep && valid_request_id(incoming.request_id) ? std::string(incoming.request_id)
                                                              : make_request_id();
  if (!incoming.traceparent.empty()) trace_ = parse_traceparent(incoming.traceparent);
}

void Exchange::on_deadline() {
  timed_out_ = true;
  if (stage_ == Stage::tunnelling) {
    tunnel_.on_deadline();
    return;
  }
  if (attempt_.has_connection()) {
    error_code ignored;
    attempt_.connection().socket.cancel(ignored);
  }
}

// ---- the attempt loop ----

void Exchange::attempt() {
  stage_ = Stage::connecting;
  switch (attempt_.begin({&request_, info_.remote_address}, executor_, Clock::now())) {
    case Attempt::Start::no_upstream:
      end(attempt_.count() == 0
              ? Outcome::error(503, "no_upstream", "no healthy upstream is available")
              : failure_answer());
      return;
    case Attempt::Start::pooled:
      request_leg_.send();
      return;
    case Attempt::Start::unresolved:
      upstream_failed(AttemptError::io, "upstream address is not resolved");
      return;
    case Attempt::Start::connect:
      break;
  }
  arm(ctx_.settings.connect_timeout());
  attempt_.connection().socket.async_connect(
      attempt_.endpoint(), bind([](Exchange& x, error_code ec) { x.on_connect(ec); }));
}

void Exchange::on_connect(error_code ec) {
  auto& conn = attempt_.connection();
  if (timed_out_ || ec) {
    disarm();
    connect_failed(timed_out_ ? "connecting to the upstream timed out"
                              : "cannot connect to the upstream: " + ec.message(),
                   timed_out_ ? FailureReason::connect_timeout : FailureReason::connect_refused);
    return;
  }
  error_code ignored;
  conn.socket.set_option(net::ip::tcp::no_delay(true), ignored);
  if (conn.tls) {
    // Under the connect deadline still.
    conn.tls->async_handshake(tls::ClientStream::client,
                              bind([](Exchange& x, error_code hec) { x.on_handshake(hec); }));
    return;
  }
  disarm();
  request_leg_.send();
}

void Exchange::on_handshake(error_code ec) {
  if (disarm() || ec) {
    std::string why = timed_out_
                          ? "tls: the handshake timed out"
                          : tls::handshake_error(attempt_.connection().tls->native_handle(), ec);
    // Most often a configuration error (a CA, a name): the operator must see why.
    log::error() << "upstream " << attempt_.upstream()->name() << ": " << why;
    connect_failed("cannot connect to the upstream: " + why,
                   timed_out_ ? FailureReason::connect_timeout : FailureReason::tls);
    return;
  }
  attempt_.save_session();  // TLS 1.2: the session is known now
  request_leg_.send();
}

// A failed connection (or TLS handshake) is the upstream's fault, and retried elsewhere.
void Exchange::connect_failed(std::string message, FailureReason why) {
  UpstreamCounters::bump(
      ctx_.pools.local().counters(attempt_.upstream()->index()).connect_failures);
  failed(timed_out_ ? AttemptError::timeout : AttemptError::io, std::move(message), why);
}

void Exchange::upstream_failed(AttemptError error, std::string message, bool upstream_fault) {
  failed(error, std::move(message), upstream_fault ? std::optional(blame(error)) : std::nullopt);
}

FailureReason Exchange::blame(AttemptError error) const {
  const bool connecting = stage_ <= Stage::connecting;
  switch (error) {
    case AttemptError::timeout:
      return connecting ? FailureReason::connect_timeout : FailureReason::response_timeout;
    case AttemptError::io:
      return connecting ? FailureReason::connect_refused : FailureReason::reset;
    case AttemptError::closed_silently:
      return FailureReason::reset;
    case AttemptError::bad_response:
      break;
  }
  return FailureReason::malformed;
}

void Exchange::failed(AttemptError error, std::string message,
                      std::optional<FailureReason> blamed) {
  const unsigned status = error == AttemptError::timeout ? 504 : 502;
  attempt_.record(status);
  if (blamed) attempt_.report_failure(*blamed);
  attempt_.drop();
  last_status_ = status;
  last_error_ = std::move(message);
  if (should_retry(error)) {
    attempt();
    return;
  }
  end(failure_answer());
}

bool Exchange::should_retry(AttemptError error) {
  RetryInput in{attempt_stage(stage_), error,
                // An upgrade is never replayed once the upstream may have it.
                idempotent(request_.method()) && !upgrade_,
                request_leg_.has_body() && stage_ > Stage::sending_head, attempt_.count(),
                std::min<std::size_t>(ctx_.settings.tries(), attempt_.max_count()), Clock::now(),
                retry_deadline_, budget_share_ ? BudgetVerdict::granted : BudgetVerdict::not_asked};
  RetryDecision decision = decide_retry(in);
  if (decision.reason == RetryReason::ask_budget) {
    // A share of the budget, once taken, is held to the end of the exchange.
    budget_share_ = ctx_.budget.try_start(ctx_.upstreams, ctx_.settings);
    in.budget = budget_share_ ? BudgetVerdict::granted : BudgetVerdict::refused;
    decision = decide_retry(in);
  }
  return decision.retry();
}

Outcome Exchange::failure_answer() const {
  return Outcome::error(last_status_, last_status_ == 504 ? "upstream_timeout" : "bad_gateway",
                        last_error_);
}

// ---- the end ----

// The one way out: the upstream connection closed or pooled, the upstream released, the timer
// stopped, and the responder answered exactly once.
void Exchange::end(Outcome outcome) {
  if (outcome.kind == Outcome::Kind::answer && stage_ >= Stage::writing_head) {
    outcome = Outcome::client_gone();  // the upstream's head went out: too late to answer
  }
  stage_ = Stage::ended;
  timer_.cancel();
  attempt_.drop();
  attempt_.release(body_bytes_);
  std::string log_extra = attempt_.log_text();
  switch (outcome.kind) {
    case Outcome::Kind::finished:
      responder_.finish({status_, body_bytes_, outcome.keep_alive, ctx_.route, std::move(log_extra),
                         std::move(request_id_)});
      return;
    case Outcome::Kind::client_gone:
      // 499: nginx's code for a client that went away.
      responder_.finish({status_ == 0 ? 499 : status_, body_bytes_, false, ctx_.route,
                         std::move(log_extra), std::move(request_id_)});
      return;
    case Outcome::Kind::answer:
      outcome.answer->route = ctx_.route;
      outcome.answer->log_extra = std::move(log_extra);
      outcome.answer->headers.emplace_back("X-Request-Id", request_id_);
      outcome.answer->request_id = std::move(request_id_);
      responder_.send(std::move(*outcome.answer));
      return;
  }
}

// ---- the deadline ----
// One per exchange (a DeadlineTimer, lazy as the session's is), for the operation in
// progress; cancelled once, at the end.

void Exchange::arm(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  timer_.set(Clock::now() + timeout, *this);
}

bool Exchange::disarm() {
  timer_.clear();
  return timed_out_;
}

}  // namespace conv::balancer
