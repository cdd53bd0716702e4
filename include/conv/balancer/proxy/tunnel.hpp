#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>

namespace conv::balancer {

class Exchange;

// After the upstream switched protocols (101, a WebSocket): the client's connection and the
// upstream's carry bytes both ways as they come, each way through one fixed buffer (a read,
// then its write, then the next read), until both sides have closed. One side's end (an EOF)
// is passed on as a half-close of the other's write side and the other way goes on; an error
// either way, or no byte either way for `timeouts.tunnel` (the exchange's deadline), ends
// both. It ends the exchange once no read or write is in flight. A TLS upstream cannot be
// half-closed here (its stream sends close_notify only with a full shutdown): a client's end
// closes both ways at once there.
class Tunnel {
 public:
  static constexpr std::size_t kBuffer = 16 * 1024;  // per direction

  explicit Tunnel(Exchange& x) : x_(x) {}

  // The 101 went out: relays what the upstream sent after it, then both ways.
  void start();
  // The idle deadline passed.
  void on_deadline() { abort(); }

 private:
  struct Buffers {
    std::array<char, kBuffer> up;    // client -> upstream
    std::array<char, kBuffer> down;  // upstream -> client
  };

  void read_client();
  void on_client_read(boost::system::error_code ec, std::size_t n);
  void on_upstream_written(boost::system::error_code ec);
  void read_upstream();
  void on_upstream_read(boost::system::error_code ec, std::size_t n);
  void on_client_written(boost::system::error_code ec, std::size_t n);
  void client_ended();
  void upstream_ended();
  void abort();
  // A read or write completed: true if its way goes on; else the tunnel was aborted, `ec` is
  // an error (it aborts now), or a read's side ended (`on_end` runs).
  bool go_on(boost::system::error_code ec, void (Tunnel::*on_end)() = nullptr);
  // An operation completed: ends the exchange when nothing is in flight and both ways are
  // done (or the tunnel was aborted).
  void settle();

  Exchange& x_;
  std::unique_ptr<Buffers> buffers_;  // only for a tunnel
  unsigned in_flight_ = 0;            // reads and writes: at most one each way
  bool up_open_ = true;               // the client may still send
  bool down_open_ = true;             // the upstream may still send
  bool aborted_ = false;
  bool ended_ = false;
};

}  // namespace conv::balancer
