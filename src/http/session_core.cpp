#include "conv/http/session_core.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <exception>

#include "conv/http/error_response.hpp"

namespace conv::http::detail {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

std::string request_line(const RequestHeader& req) {
  std::string line;
  line.reserve(req.target().size() + 20);
  line.append(req.method_string());
  line += ' ';
  line.append(req.target());
  line += req.version() == 10 ? " HTTP/1.0" : " HTTP/1.1";
  return line;
}

template <typename Name>
std::string_view field_or_empty(const RequestHeader& req, Name name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view{} : std::string_view{it->value()};
}

}  // namespace

// ---- ConnectionRegistry ----

ConnectionRegistry::Handle ConnectionRegistry::add(std::weak_ptr<SessionCore> session) {
  std::lock_guard lock(mutex_);
  size_.fetch_add(1, std::memory_order_relaxed);
  return sessions_.insert(sessions_.end(), std::move(session));
}

void ConnectionRegistry::remove(Handle handle) {
  std::lock_guard lock(mutex_);
  size_.fetch_sub(1, std::memory_order_relaxed);
  sessions_.erase(handle);
}

std::vector<std::shared_ptr<SessionCore>> ConnectionRegistry::snapshot() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<SessionCore>> out;
  out.reserve(sessions_.size());
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

// ---- SessionCore ----

SessionCore::SessionCore(ServerShared& shared, ConnectionRegistry& registry,
                         net::ip::tcp::socket& socket)
    : shared_(shared), reader_(shared.options), registry_(registry) {
  error_code ec;
  remote_ = socket.remote_endpoint(ec);
  remote_addr_ = ec ? std::string(1, '-') : remote_.address().to_string();
  socket.set_option(net::ip::tcp::no_delay(true), ec);
  shared_.metrics.connection_opened();
}

SessionCore::~SessionCore() {
  if (in_flight_) shared_.metrics.request_abandoned();
  registry_.remove(registry_handle_);
  shared_.metrics.connection_closed();
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
}

void SessionCore::register_connection() {
  registry_handle_ = registry_.add(weak_from_this());
}

namespace {

template <typename T>
void free_memory(T& container) {
  T().swap(container);
}

}  // namespace

void SessionCore::new_request() {
  reader_.reset();
  body_.clear();
  free_memory(logged_.extra);
  free_memory(logged_.request_id);
  streamed_ = false;
  body_timed_out_ = false;
  phase_ = Phase::idle;
}

void SessionCore::begin_body() {
  phase_ = Phase::body;
  streamed_ = shared_.handler.body_mode() == Handler::BodyMode::streamed;
  const RequestHeader& req = reader_.request();
  continue_pending_ =
      !reader_.done() && req.version() == 11 &&
      boost::beast::iequals(field_or_empty(req, bhttp::field::expect), "100-continue");
}

void SessionCore::begin_request_metrics() {
  in_flight_ = true;
  shared_.metrics.request_started();
}

void SessionCore::call_handler() {
  phase_ = Phase::handling;
  const RequestHeader& req = reader_.request();
  head_only_ = req.method() == bhttp::verb::head;
  begin_request_metrics();
  try {
    shared_.handler.handle(req, body_, RequestInfo{remote_, request_start_, remote_addr_},
                           Responder(shared_from_this()));
  } catch (const std::exception& e) {
    if (phase_ == Phase::handling) {
      complete(error_response(500, "internal_error", "the server failed to handle the request"));
    }
  }
}

void SessionCore::fail(Response&& response) {
  if (phase_ == Phase::idle) request_start_ = Clock::now();
  phase_ = Phase::handling;
  begin_request_metrics();
  head_only_ = false;
  response.close = true;
  complete(std::move(response));
}

bool SessionCore::client_keep_alive() const {
  // The parser's flags, not the message's keep_alive(), which looks the Connection field up again.
  return reader_.header_done() && reader_.parser().keep_alive() &&
         !shared_.draining.load(std::memory_order_relaxed);
}

bool SessionCore::body_complete() const {
  return reader_.has_request() && reader_.done();
}

bool SessionCore::frame_response(Response&& response) {
  if (phase_ != Phase::handling) return false;
  phase_ = Phase::writing;
  const bool parsed = reader_.header_done();
  const unsigned version = parsed ? reader_.parser().get().version() : 11;
  // A request whose body was not read to its end leaves the connection unusable.
  keep_alive_ = client_keep_alive() && reader_.done() && !response.close;
  out_.clear();
  serialize_response(out_, response, shared_.identity, version, keep_alive_, head_only_,
                     connection_headers_);
  logged_ = {response.status,     response.body.size(),          response.route,
             response.access_log, std::move(response.log_extra), std::move(response.request_id)};
  return true;
}

void SessionCore::log_and_count(unsigned status, std::size_t body_bytes, std::uint16_t route,
                                LogAdditions added, bool access_log) {
  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - request_start_).count();
  if (in_flight_) {
    in_flight_ = false;
    shared_.metrics.request_finished(route, status, seconds);
  }
  if (!access_log || !shared_.log.enabled()) return;
  std::string line;
  line.reserve(256);
  if (reader_.header_done()) {
    const RequestHeader& req = reader_.request();
    const std::string rl = request_line(req);
    format_access_line(
        line,
        {remote_addr_, rl, status, body_bytes, field_or_empty(req, bhttp::field::referer),
         field_or_empty(req, bhttp::field::user_agent), field_or_empty(req, "X-Forwarded-For"),
         seconds, added.request_id.empty() ? field_or_empty(req, "X-Request-Id") : added.request_id,
         added.extra},
        shared_.log.format());
  } else {
    format_access_line(line,
                       {remote_addr_, {}, status, body_bytes, {}, {}, {}, seconds, {}, added.extra},
                       shared_.log.format());
  }
  shared_.log.write(line);
}

}  // namespace conv::http::detail
