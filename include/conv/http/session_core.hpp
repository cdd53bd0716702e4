#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"
#include "conv/http/request_reader.hpp"
#include "conv/http/server_options.hpp"

namespace conv::http::detail {

class SessionCore;

// What every connection of one server shares. Read-only after start, but for the atomics.
struct ServerShared {
  ServerOptions options;
  Handler& handler;
  Metrics& metrics;
  AccessLog& log;
  ResponseIdentity identity;
  std::chrono::milliseconds timer_tick;  // the shortest of the timeouts
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> connections{0};
};

// The open connections of one listener, so that shutdown can reach the idle ones. Touched when
// a connection opens or closes, never per request.
class ConnectionRegistry {
 public:
  using Handle = std::list<std::weak_ptr<SessionCore>>::iterator;
  Handle add(std::weak_ptr<SessionCore> session);
  void remove(Handle handle);
  std::vector<std::shared_ptr<SessionCore>> snapshot();
  // Sessions registered now; readable from any thread.
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> size_{0};
  std::mutex mutex_;
  std::list<std::weak_ptr<SessionCore>> sessions_;
};

// What a session is and decides whatever its stream: the exchange's phase and flags, handing
// the request to the handler, framing the answer, the metrics and the access log. The I/O (and
// the deadlines) are BasicSession<Stream>'s; a second protocol (HTTP/2) would feed the same
// Handler and Responder from its own stream-level session.
class SessionCore : public std::enable_shared_from_this<SessionCore>, public ResponseSink {
 public:
  SessionCore(const SessionCore&) = delete;
  SessionCore& operator=(const SessionCore&) = delete;

  // Graceful shutdown: close now if idle between requests, else after the current response.
  virtual void drain() = 0;

  // ResponseSink, the stream-independent part.
  bool body_complete() const override;
  bool client_keep_alive() const override;
  bool secure() const override { return secure_; }
  std::string_view connection_headers() const override { return connection_headers_; }

 protected:
  using Clock = std::chrono::steady_clock;
  enum class Phase { idle, header, body, handling, writing, lingering, closed };

  // `socket`: the TCP connection under the session's stream, whatever layers are above it.
  SessionCore(ServerShared& shared, ConnectionRegistry& registry,
              boost::asio::ip::tcp::socket& socket);
  ~SessionCore();

  void register_connection();
  // Readies the next exchange. The last response was logged: its memory goes now, not when
  // the next one replaces it, so that an idle connection holds none.
  void new_request();
  void begin_body();  // the header is parsed and valid
  void call_handler();
  void fail(Response&& response);  // answers and closes
  // complete()'s decision: false if there is nothing to write (closed meanwhile, answered
  // twice); else the response is framed into out_.
  bool frame_response(Response&& response);
  void log_response() {
    log_and_count(logged_.status, head_only_ ? 0 : logged_.body_bytes, logged_.route,
                  {logged_.extra, logged_.request_id}, logged_.access_log);
  }
  // The role's additions to the access log line (Response::log_extra and request_id).
  struct LogAdditions {
    std::string_view extra;
    std::string_view request_id;
  };
  void log_and_count(unsigned status, std::size_t body_bytes, std::uint16_t route,
                     LogAdditions added, bool access_log = true);

  ServerShared& shared_;
  RequestReader reader_;
  std::string body_;  // the buffered request body
  bool streamed_ = false;
  Phase phase_ = Phase::idle;
  Clock::time_point request_start_;
  bool keep_alive_ = false;
  bool head_only_ = false;
  bool continue_pending_ = false;
  // A streamed read waiting for bytes from the stream.
  boost::asio::mutable_buffer pending_read_;
  ReadHandler pending_read_handler_;
  bool socket_read_active_ = false;
  bool body_timed_out_ = false;          // the streamed read was cancelled by the body deadline
  bool write_active_ = false;            // a streamed write is in flight
  std::string out_;                      // the serialised response being written
  bool secure_ = false;                  // TLS
  std::string_view connection_headers_;  // see ResponseSink::connection_headers()

 private:
  void begin_request_metrics();

  ConnectionRegistry& registry_;
  ConnectionRegistry::Handle registry_handle_;
  bool in_flight_ = false;  // counted in the in-flight gauge
  // What the access log needs of the response being written, kept until the write completes
  // (its head and body are in out_; 88 bytes where the whole Response took 168).
  struct Logged {
    unsigned status = 0;
    std::size_t body_bytes = 0;
    std::uint16_t route = 0;
    bool access_log = true;
    std::string extra;
    std::string request_id;
  };
  Logged logged_;
  std::string remote_addr_;
  boost::asio::ip::tcp::endpoint remote_;
};

}  // namespace conv::http::detail
