#pragma once

// A scripted peer on loopback for tests that need an HTTP server to misbehave in ways the
// core's Server never would: answer fixed bytes (garbage, a bad status line, a body cut
// short), answer late, reset, or hold the connection silent.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"

namespace conv::testing {

// What a raw upstream does with each connection once the request head has arrived: after
// `delay`, sends `reply` and closes; or (`reset`) resets the connection without a byte; or
// (`hold`) keeps it open and silent until the upstream is destroyed.
struct RawBehaviour {
  std::string reply;
  std::chrono::milliseconds delay{0};
  bool reset = false;
  bool hold = false;

  static RawBehaviour silent() { return {"", std::chrono::milliseconds(0), false, true}; }
};

// Records every byte received, counts connections, and treats each connection, one at a
// time, as its RawBehaviour says.
class RawUpstream {
 public:
  explicit RawUpstream(std::string reply) : RawUpstream(RawBehaviour{std::move(reply)}) {}
  explicit RawUpstream(RawBehaviour behaviour) : behaviour_(std::move(behaviour)) {
    port = listener_.port();
    thread_ = std::thread([this] { run(); });
  }
  ~RawUpstream() {
    stop_ = true;
    listener_.wake_acceptor();
    thread_.join();
    for (int c : held_) ::close(c);
  }
  RawUpstream(const RawUpstream&) = delete;
  RawUpstream& operator=(const RawUpstream&) = delete;

  bool listening() const { return listener_.listening(); }
  std::string received() {
    std::lock_guard l(m_);
    return received_;
  }
  std::atomic<int> connections{0};
  std::uint16_t port = 0;

 private:
  void run() {
    while (!stop_) {
      const int c = ::accept(listener_.fd(), nullptr, nullptr);
      if (c < 0) return;
      connections.fetch_add(1);
      timeval tv{2, 0};  // a request head that never ends is not waited for longer
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      record(read_head(c));
      if (behaviour_.delay.count() > 0) std::this_thread::sleep_for(behaviour_.delay);
      answer(c);
    }
  }

  static std::string read_head(int c) {
    std::string got;
    char buf[65536];
    while (got.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  void record(const std::string& got) {
    std::lock_guard l(m_);
    received_ += got;
  }

  void answer(int c) {
    if (behaviour_.hold) {
      held_.push_back(c);
      return;
    }
    if (behaviour_.reset) {
      linger reset_on_close{1, 0};  // close() sends RST, not FIN
      ::setsockopt(c, SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close);
      ::close(c);
      return;
    }
    ::send(c, behaviour_.reply.data(), behaviour_.reply.size(), MSG_NOSIGNAL);
    ::shutdown(c, SHUT_WR);
    char buf[4096];
    while (::recv(c, buf, sizeof buf, 0) > 0) {  // until the peer closes (or 2 s of silence)
    }
    ::close(c);
  }

  RawBehaviour behaviour_;
  LoopbackListener listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex m_;
  std::string received_;
  std::vector<int> held_;  // only the accepting thread touches it until the join
};

}  // namespace conv::testing
