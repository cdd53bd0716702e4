#pragma once

// An upstream that misbehaves on purpose, for the balancer's tests: it keeps connections
// alive, reads request heads (no bodies), and answers each with bytes a script chooses, plus
// optional late bytes written after a delay. It records what it received on each connection
// and sees each connection close.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../support/loopback.hpp"

namespace conv::testing {

struct ScriptedReply {
  ScriptedReply(std::string at_once, std::string later = {}, std::chrono::milliseconds after = {},
                bool strays_beyond = false)
      : bytes(std::move(at_once)),
        late(std::move(later)),
        late_after(after),
        strays(strays_beyond) {}

  std::string bytes;  // written at once
  std::string late;   // written `late_after` later, if not empty
  std::chrono::milliseconds late_after{0};
  bool strays = false;  // bytes or `late` go beyond the response's end
  bool close = false;   // close the connection after the reply
};

class ScriptedUpstream {
 public:
  // `script(request_head, connection, n)`: the reply to the n-th request (from 0) of the
  // connection-th connection (from 0).
  using Script = std::function<ScriptedReply(const std::string&, int, int)>;

  explicit ScriptedUpstream(Script script) : script_(std::move(script)) {
    port = listener_.port();
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedUpstream() {
    stop_ = true;
    listener_.wake_acceptor();
    acceptor_.join();
    for (auto& t : handlers_) t.join();
  }
  ScriptedUpstream(const ScriptedUpstream&) = delete;
  ScriptedUpstream& operator=(const ScriptedUpstream&) = delete;

  std::uint16_t port = 0;
  std::atomic<int> connections{0};
  std::atomic<int> closed_by_peer{0};  // connections the balancer closed
  std::atomic<int> replies_done{0};    // replies written, late bytes included
  // Connections that sent stray bytes (ScriptedReply::strays) and are still open: the
  // balancer must close each of them, at once.
  std::atomic<int> open_after_stray{0};

  // Polls (every ms, at most `limit`) until `done()`; true if it became true.
  template <typename F>
  static bool wait_for(F done, std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  }

 private:
  void accept_loop() {
    while (!stop_) {
      const int c = ::accept(listener_.fd(), nullptr, nullptr);
      if (c < 0) return;
      const int index = connections.fetch_add(1);
      std::lock_guard l(m_);
      handlers_.emplace_back([this, c, index] { serve(c, index); });
    }
  }

  // Reads until a request head is complete; false on EOF, error or stop.
  bool read_head(int c, std::string& pending, std::string& head) {
    char buf[4096];
    while (pending.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (stop_) return false;
      if (::poll(&p, 1, 50) == 0) continue;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) {  // EOF, or a reset (closed with our bytes unread)
        closed_by_peer.fetch_add(1);
        return false;
      }
      pending.append(buf, static_cast<std::size_t>(n));
    }
    const auto end = pending.find("\r\n\r\n") + 4;
    head = pending.substr(0, end);
    pending.erase(0, end);
    return true;
  }

  void serve(int c, int index) {
    std::string pending, head;
    bool strayed = false;
    for (int n = 0; read_head(c, pending, head); ++n) {
      const ScriptedReply r = script_(head, index, n);
      if (r.strays && !strayed) {
        strayed = true;
        open_after_stray.fetch_add(1);
      }
      ::send(c, r.bytes.data(), r.bytes.size(), MSG_NOSIGNAL);
      if (!r.late.empty()) {
        std::this_thread::sleep_for(r.late_after);  // the misbehaviour: bytes arriving late
        ::send(c, r.late.data(), r.late.size(), MSG_NOSIGNAL);
      }
      replies_done.fetch_add(1);
      if (r.close) break;
    }
    ::close(c);
    if (strayed) open_after_stray.fetch_sub(1);
  }

  Script script_;
  LoopbackListener listener_{64};
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex m_;
  std::list<std::thread> handlers_;
};

}  // namespace conv::testing
