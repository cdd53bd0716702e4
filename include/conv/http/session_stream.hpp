#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "conv/http/deadline_timer.hpp"
#include "conv/http/session_core.hpp"
#include "conv/http/stream.hpp"

namespace conv::http::detail {

// A session's hold on its stream: the one timer and the deadlines it enforces (header, body,
// idle, write, linger), what a timeout does, and the ends of a connection (drain, lingering
// close, close). BasicSession adds the exchange on top; the definitions are in
// impl/session_stream.hpp.
template <typename Stream>
class SessionStream : public SessionCore {
 public:
  void drain() override;
  // The socket's (no copy of its own: every connection would hold 56 bytes more).
  boost::asio::any_io_executor executor() const override {
    return const_cast<Stream&>(stream_).get_executor();
  }

 protected:
  SessionStream(Stream stream, ServerShared& shared, ConnectionRegistry& registry);

  std::shared_ptr<SessionStream> self() {
    return std::static_pointer_cast<SessionStream>(shared_from_this());
  }
  void set_deadline(Clock::time_point deadline);
  void begin_lingering_close();
  void close();

  Stream stream_;

 private:
  friend class conv::http::DeadlineTimer;  // calls on_deadline()
  void on_deadline();
  void on_timeout();
  void do_linger();

  DeadlineTimer timer_;
};

}  // namespace conv::http::detail
