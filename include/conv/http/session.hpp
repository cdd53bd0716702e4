#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conv/http/access_log.hpp"
#include "conv/http/deadline_timer.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"
#include "conv/http/server_options.hpp"

namespace conv::http::detail {

class Session;

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
  using Handle = std::list<std::weak_ptr<Session>>::iterator;
  Handle add(std::weak_ptr<Session> session);
  void remove(Handle handle);
  std::vector<std::shared_ptr<Session>> snapshot();
  // Sessions registered now; readable from any thread.
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> size_{0};
  std::mutex mutex_;
  std::list<std::weak_ptr<Session>> sessions_;
};

// One client connection: reads requests, hands each to the handler, writes the responses in
// order, and enforces the limits and timeouts. Runs on one executor (a thread's io_context or
// a strand), so it needs no locking.
//
// Steps: start -> do_read -> on_read -> parse (header, validation, buffered body) -> dispatch
// -> complete | streamed reads and writes -> finish -> do_read, or -> close (lingering:
// half-close, drain what the client still sends, then close).
class Session final : public std::enable_shared_from_this<Session>, public ResponseSink {
 public:
  Session(boost::asio::ip::tcp::socket socket, ServerShared& shared, ConnectionRegistry& registry);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  // Graceful shutdown: close now if idle between requests, else after the current response.
  void drain();

  // ResponseSink
  void complete(Response&& response) override;
  boost::asio::any_io_executor executor() const override;
  void read_body(boost::asio::mutable_buffer into, ReadHandler handler) override;
  bool body_complete() const override;
  bool client_keep_alive() const override;
  void write(boost::asio::const_buffer data, WriteHandler handler) override;
  void finish(StreamedResult&& result) override;

 private:
  using Clock = std::chrono::steady_clock;
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;
  enum class Phase { idle, header, body, handling, writing, lingering, closed };

  void new_parser();
  void do_read();
  void read_socket();
  void on_read(boost::system::error_code ec, std::size_t n);
  void skip_empty_lines();
  bool parse();  // true once a request is dispatched or failed
  bool on_header_done(std::string_view raw_header);
  std::size_t parse_body_into(char* data, std::size_t size, boost::system::error_code& ec);
  std::size_t put(boost::asio::const_buffer input, boost::system::error_code& ec,
                  boost::system::error_code too_large);
  std::size_t trailer_budget() const;
  Clock::time_point body_deadline() const;
  bool fail_header(boost::system::error_code ec);
  bool fail_body(boost::system::error_code ec);
  void continue_streamed_read();
  void on_streamed_read(boost::system::error_code ec, std::size_t n);
  void send_continue();
  void begin_request_metrics();
  void dispatch();
  void fail(Response&& response);  // answers and closes
  void on_write(boost::system::error_code ec);
  void end_exchange(bool keep_alive);
  void log_and_count(unsigned status, std::size_t body_bytes, std::uint16_t route,
                     std::string_view log_extra);
  void set_deadline(Clock::time_point deadline);
  friend class conv::http::DeadlineTimer;  // calls on_deadline()
  void on_deadline();
  void on_timeout();
  void begin_lingering_close();
  void do_linger();
  void close();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::any_io_executor executor_;
  DeadlineTimer timer_;
  ServerShared& shared_;
  ConnectionRegistry& registry_;
  ConnectionRegistry::Handle registry_handle_;
  boost::beast::flat_buffer buffer_;
  // Data bytes of the current chunk still to come (0: at a chunk boundary), from the
  // parser's chunk-header callback and what each put produced.
  struct ChunkTracker {
    std::uint64_t left = 0;
    void operator()(std::uint64_t size, std::string_view, boost::system::error_code&) {
      left = size;
    }
  } chunk_;
  std::optional<Parser> parser_;
  std::string body_;                 // the buffered request body
  std::size_t header_offset_ = 0;    // header bytes the parser has taken, still in buffer_
  std::size_t header_bytes_ = 0;     // the current request's header block, for the trailers
  Clock::time_point body_start_;     // the end of the header: the body deadline counts from it
  std::uint64_t body_received_ = 0;  // body bytes received, for the minimum body rate
  // buffer_'s size when the body parser last asked for more input (kNotStarved: it has not).
  static constexpr std::size_t kNotStarved = static_cast<std::size_t>(-1);
  std::size_t starved_at_ = kNotStarved;
  bool streamed_ = false;
  Phase phase_ = Phase::idle;
  Clock::time_point request_start_;
  bool keep_alive_ = false;
  bool head_only_ = false;
  bool continue_pending_ = false;
  bool in_flight_ = false;  // counted in the in-flight gauge
  // A streamed read waiting for bytes from the socket.
  boost::asio::mutable_buffer pending_read_;
  ReadHandler pending_read_handler_;
  bool socket_read_active_ = false;
  bool body_timed_out_ = false;  // the streamed read was cancelled by the body deadline
  bool write_active_ = false;    // a streamed write is in flight
  std::string out_;              // the serialised response being written
  Response response_;            // kept for the access log until the write completes
  std::string remote_addr_;
  boost::asio::ip::tcp::endpoint remote_;
};

// Answers a connection over the cap with 503 and closes it, without reading the request.
void reject_connection(boost::asio::ip::tcp::socket socket, const ResponseIdentity& identity);

}  // namespace conv::http::detail
