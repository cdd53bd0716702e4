#pragma once

// Reads that skip the recv() that cannot succeed.
//
// Asio starts every read with an immediate ("speculative") recv() and waits for epoll only if
// that finds nothing; it stops trying first only after a read returned end of file. On a
// connection that carries one request at a time, the read issued right after sending a
// request (to an upstream) or a response (to a client) almost always finds nothing: one wasted
// recv() returning EAGAIN per read, a fifth of the balancer's system calls (5.2 per proxied
// request against HAProxy's 4.3, measured with `perf stat -e 'syscalls:sys_enter_*'`).
//
// nginx and HAProxy remember that the last read was short (it drained the socket) and wait for
// epoll's next edge instead. This header teaches Asio the same, for reads made through
// DrainAwareBuffer: a read that returns fewer bytes than asked counts as "exhausted", which is
// what Asio already does for short writes. The reactor then waits for epoll before reading
// again, and it clears that state on every event for the socket, under the socket's lock,
// whether or not a read is waiting, so no readiness is lost: data that arrives after the short
// read raises a new edge with edge-triggered epoll.
//
// The specialisation below replaces Asio's own reactive_socket_recv_op_base for this buffer
// type only; it follows Boost 1.81's (the version Debian 12 ships) and must be re-checked
// against a newer Boost's detail/reactive_socket_recv_op.hpp.

#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/reactive_socket_recv_op.hpp>
#include <boost/version.hpp>
#include <type_traits>
#include <utility>

static_assert(BOOST_VERSION / 100 == 1081,
              "drain_aware_read.hpp mirrors Boost 1.81's reactive_socket_recv_op_base: "
              "re-check it against this Boost");

namespace conv::http {

// One buffer, as a buffer sequence, whose reads mark a short read as draining the socket.
class DrainAwareBuffer {
 public:
  using value_type = boost::asio::mutable_buffer;
  using const_iterator = const boost::asio::mutable_buffer*;

  explicit DrainAwareBuffer(boost::asio::mutable_buffer buffer) : buffer_(buffer) {}
  const_iterator begin() const { return &buffer_; }
  const_iterator end() const { return &buffer_ + 1; }
  boost::asio::mutable_buffer buffer() const { return buffer_; }

 private:
  boost::asio::mutable_buffer buffer_;
};

// A socket's read side for Beast's algorithms (http::async_read_header and the like), reading
// through DrainAwareBuffer. Holds a reference: it must not outlive the socket.
template <class Socket>
class DrainAwareStream {
 public:
  using executor_type = typename Socket::executor_type;

  explicit DrainAwareStream(Socket& socket) : socket_(&socket) {}
  executor_type get_executor() { return socket_->get_executor(); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    static_assert(std::is_convertible_v<MutableBuffers, boost::asio::mutable_buffer>,
                  "one buffer at a time (as beast::flat_buffer prepares)");
    return socket_->async_read_some(DrainAwareBuffer(buffers), std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return socket_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  Socket* socket_;
};

}  // namespace conv::http

namespace boost::asio::detail {

template <>
class reactive_socket_recv_op_base<conv::http::DrainAwareBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state,
                               const conv::http::DrainAwareBuffer& buffers,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffers_(buffers),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const boost::asio::mutable_buffer b = o->buffers_.buffer();
    const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
    status result = socket_ops::non_blocking_recv1(o->socket_, b.data(), b.size(), o->flags_,
                                                   stream, o->ec_, o->bytes_transferred_)
                        ? done
                        : not_done;
    // Asio's own test is bytes_transferred_ == 0 (end of file); a short read also drained
    // the socket.
    if (result == done && stream && o->bytes_transferred_ < b.size()) {
      result = done_and_exhausted;
    }
    return result;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  conv::http::DrainAwareBuffer buffers_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
