#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "conv/http/handler.hpp"
#include "conv/http/session_core.hpp"
#include "conv/http/session_stream.hpp"
#include "conv/http/stream.hpp"

namespace conv::http::detail {

// One client connection over `Stream` (see stream.hpp): reads requests, hands each to the
// handler and writes the responses in order; SessionStream enforces the timeouts and closes.
// Runs on one executor (a thread's io_context or a strand), so it needs no locking. A
// template, not an interface, so that no read or write pays a virtual call; the definitions
// are in impl/session.hpp, compiled for PlainStream once in session.cpp.
//
// Steps: start -> do_read -> on_read -> parse (RequestReader: header, validation, buffered
// body) -> dispatch -> complete | streamed reads and writes -> finish -> do_read, or -> close
// (lingering: half-close, drain what the client still sends, then close).
template <typename Stream>
class BasicSession final : public SessionStream<Stream> {
  // SessionStream<Stream> is a dependent base: what this class uses of it and of SessionCore
  // must be named.
  using Base = SessionStream<Stream>;
  using Base::begin_lingering_close, Base::close, Base::set_deadline, Base::stream_;
  using SessionCore::begin_body, SessionCore::call_handler, SessionCore::client_keep_alive,
      SessionCore::fail, SessionCore::frame_response, SessionCore::log_and_count,
      SessionCore::log_response, SessionCore::new_request, SessionCore::register_connection;
  using SessionCore::body_, SessionCore::body_timed_out_, SessionCore::continue_pending_,
      SessionCore::keep_alive_, SessionCore::out_, SessionCore::pending_read_,
      SessionCore::pending_read_handler_, SessionCore::phase_, SessionCore::reader_,
      SessionCore::request_start_, SessionCore::shared_, SessionCore::socket_read_active_,
      SessionCore::secure_, SessionCore::connection_headers_, SessionCore::streamed_,
      SessionCore::write_active_;
  using typename SessionCore::Clock, typename SessionCore::Phase;
  using typename SessionCore::ReadHandler, typename SessionCore::WriteHandler;

 public:
  BasicSession(Stream stream, ServerShared& shared, ConnectionRegistry& registry);

  void start();

  // ResponseSink, the stream's part.
  void complete(Response&& response) override;
  void read_body(boost::asio::mutable_buffer into, ReadHandler handler) override;
  void write(boost::asio::const_buffer data, WriteHandler handler) override;
  void finish(StreamedResult&& result) override;
  void read_raw(boost::asio::mutable_buffer into, ReadHandler handler) override;
  void shutdown_write() override;
  void cancel() override;

 private:
  std::shared_ptr<BasicSession> self() {
    return std::static_pointer_cast<BasicSession>(this->shared_from_this());
  }
  void handshake();  // TLS only
  void on_handshake(boost::system::error_code ec);
  void do_read();
  void read_stream();
  void read_idle_tls();
  void on_idle_read(boost::system::error_code ec, std::size_t n);
  void on_read(boost::system::error_code ec, std::size_t n);
  bool parse();  // true once a request is dispatched or failed
  bool parse_buffered_body();
  void send_continue();
  void dispatch();
  void on_write(boost::system::error_code ec);
  void end_exchange(bool keep_alive);
  void continue_streamed_read();
  bool deliver_streamed_body();
  void on_streamed_read(boost::system::error_code ec, std::size_t n);

  bool reading_synchronously_ = false;  // read_idle_tls: inside a synchronous read's handling
};

extern template class SessionStream<PlainStream>;
extern template class BasicSession<PlainStream>;
extern template class SessionStream<TlsStream>;
extern template class BasicSession<TlsStream>;
using Session = BasicSession<PlainStream>;
using TlsSession = BasicSession<TlsStream>;

}  // namespace conv::http::detail
