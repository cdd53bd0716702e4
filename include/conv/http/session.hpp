#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "conv/http/handler.hpp"
#include "conv/http/session_core.hpp"
#include "conv/http/stream.hpp"

namespace conv::http::detail {

// One client connection over `Stream` (see stream.hpp): reads requests, hands each to the
// handler, writes the responses in order, and enforces the timeouts. Runs on one executor (a
// thread's io_context or a strand), so it needs no locking. A template, not an interface, so
// that no read or write pays a virtual call; the definitions are in impl/session.hpp, compiled
// for PlainStream once in session.cpp.
//
// Steps: start -> do_read -> on_read -> parse (RequestReader: header, validation, buffered
// body) -> dispatch -> complete | streamed reads and writes -> finish -> do_read, or -> close
// (lingering: half-close, drain what the client still sends, then close).
template <typename Stream>
class BasicSession final : public SessionCore {
 public:
  BasicSession(Stream stream, ServerShared& shared, ConnectionRegistry& registry);

  void start();
  void drain() override;

  // ResponseSink, the stream's part.
  void complete(Response&& response) override;
  boost::asio::any_io_executor executor() const override { return executor_; }
  void read_body(boost::asio::mutable_buffer into, ReadHandler handler) override;
  void write(boost::asio::const_buffer data, WriteHandler handler) override;
  void finish(StreamedResult&& result) override;

 private:
  std::shared_ptr<BasicSession> self() {
    return std::static_pointer_cast<BasicSession>(shared_from_this());
  }
  void do_read();
  void read_stream();
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
  void set_deadline(Clock::time_point deadline);
  void arm_timer(Clock::time_point now);
  void on_timer(boost::system::error_code ec);
  void on_timeout();
  void begin_lingering_close();
  void do_linger();
  void close();

  Stream stream_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_;
  std::uint64_t timer_generation_ = 0;
  bool timer_armed_ = false;
};

extern template class BasicSession<PlainStream>;
using Session = BasicSession<PlainStream>;

}  // namespace conv::http::detail
