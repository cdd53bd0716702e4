#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "conv/http/response.hpp"

namespace conv::http {

using RequestHeader = boost::beast::http::request_header<>;

// Facts about a request that are not in the message itself.
struct RequestInfo {
  boost::asio::ip::tcp::endpoint remote;
  std::chrono::steady_clock::time_point start;
  std::string_view remote_address;  // `remote`'s address as text, formatted once per connection
};

// How a streamed exchange ended, for the access log, the metrics and the connection.
struct StreamedResult {
  unsigned status = 0;
  std::uint64_t body_bytes = 0;  // response body bytes sent to the client
  bool keep_alive = false;       // the response was framed so the connection can continue
  std::uint16_t route = 0;
  std::string log_extra;
  std::string request_id;  // as Response::request_id
};

namespace detail {
// The connection a Responder answers on.
class ResponseSink {
 public:
  using ReadHandler = std::function<void(boost::system::error_code, std::size_t)>;
  using WriteHandler = std::function<void(boost::system::error_code)>;

  virtual void complete(Response&& response) = 0;
  virtual boost::asio::any_io_executor executor() const = 0;
  virtual void read_body(boost::asio::mutable_buffer into, ReadHandler handler) = 0;
  virtual bool body_complete() const = 0;
  virtual bool client_keep_alive() const = 0;
  virtual void write(boost::asio::const_buffer data, WriteHandler handler) = 0;
  virtual void finish(StreamedResult&& result) = 0;
  // The client connection is TLS.
  virtual bool secure() const = 0;
  // Header lines every response on this connection carries ("Name: value\r\n"...): the
  // TLS listener's Strict-Transport-Security, or nothing.
  virtual std::string_view connection_headers() const = 0;
  // A switched protocol (after a 101): see Responder::read_raw().
  virtual void read_raw(boost::asio::mutable_buffer into, ReadHandler handler) = 0;
  virtual void shutdown_write() = 0;
  virtual void cancel() = 0;

 protected:
  ~ResponseSink() = default;
};
}  // namespace detail

// The handle a handler answers through. Move-only. Every call must be made on `executor()`,
// and the request passed to `handle` stays valid until the exchange ends.
//
// A buffered answer: `send(response)` once; the core frames and writes it.
// A streamed answer (Handler::BodyMode::streamed): pull the request body with `read_body`
// (a completion with 0 bytes and no error is its end), write the raw response bytes (head
// and framed body) with `write`, then `finish`. At most one read and one write at a time.
// Handing a buffered `send` after nothing was written is allowed too (an early error).
class Responder {
 public:
  explicit Responder(std::shared_ptr<detail::ResponseSink> sink) : sink_(std::move(sink)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  void send(Response&& response) {
    auto sink = std::move(sink_);
    sink->complete(std::move(response));
  }
  boost::asio::any_io_executor executor() const { return sink_->executor(); }

  void read_body(boost::asio::mutable_buffer into, detail::ResponseSink::ReadHandler handler) {
    sink_->read_body(into, std::move(handler));
  }
  bool body_complete() const { return sink_->body_complete(); }
  // Whether the client connection may stay open after this exchange (request and server
  // state); a streamed response says "Connection: close" when this is false.
  bool client_keep_alive() const { return sink_->client_keep_alive(); }
  // `data` must stay valid until `handler` runs.
  void write(boost::asio::const_buffer data, detail::ResponseSink::WriteHandler handler) {
    sink_->write(data, std::move(handler));
  }
  void finish(StreamedResult&& result) {
    auto sink = std::move(sink_);
    sink->finish(std::move(result));
  }
  bool secure() const { return sink_->secure(); }
  // See ResponseSink::connection_headers(); a streamed response's head must carry them.
  std::string_view connection_headers() const { return sink_->connection_headers(); }
  explicit operator bool() const { return sink_ != nullptr; }

  // A switched protocol: once a streamed answer wrote a 101 head, the connection carries
  // another protocol until `finish` (which closes it). Reads the client's raw bytes past the
  // request (its body read to the end first), those already buffered first; error::eof is the
  // client's end. At most one read_raw and one write at a time.
  void read_raw(boost::asio::mutable_buffer into, detail::ResponseSink::ReadHandler handler) {
    sink_->read_raw(into, std::move(handler));
  }
  // Ends the client's read side: a TCP half-close, or TLS close_notify; reads go on.
  void shutdown_write() { sink_->shutdown_write(); }
  // Cancels the read and write in flight (they complete with error::operation_aborted).
  void cancel() { sink_->cancel(); }

 private:
  std::shared_ptr<detail::ResponseSink> sink_;
};

// A role plugs into the core as a Handler. It is shared by every connection and thread, so
// `handle` must be safe to call concurrently; it must not block.
class Handler {
 public:
  enum class BodyMode {
    buffered,  // the core reads the whole body (up to the limit) before `handle`
    streamed,  // `handle` runs after the header; the handler pulls the body
  };

  virtual ~Handler() = default;
  virtual BodyMode body_mode() const { return BodyMode::buffered; }
  // `body` is the whole request body in buffered mode, empty in streamed mode.
  virtual void handle(const RequestHeader& request, std::string_view body, const RequestInfo& info,
                      Responder responder) = 0;
};

}  // namespace conv::http
