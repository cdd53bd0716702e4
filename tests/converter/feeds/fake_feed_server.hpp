#pragma once

// A fake rates provider on loopback for the refresher's tests: answers each request by the
// first route whose key occurs in its target (a file name, "@moeda='USD'"), with the recorded
// bytes of a real answer or a misbehaviour: a status, a body cut short, or silence (a provider
// that accepts and never answers). Routes can change between fetches. One thread, blocking
// sockets, every wait bounded (like support/raw_upstream.hpp, which answers one fixed reply).

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback.hpp"

namespace conv::testing {

class FakeFeedServer {
 public:
  FakeFeedServer() : port_(listener_.port()), thread_([this] { run(); }) {}
  ~FakeFeedServer() {
    stop_ = true;
    listener_.wake_acceptor();
    thread_.join();
    for (int c : held_) ::close(c);
  }
  FakeFeedServer(const FakeFeedServer&) = delete;
  FakeFeedServer& operator=(const FakeFeedServer&) = delete;

  // A whole answer's bytes.
  static std::string answer(unsigned status, const std::string& body,
                            const std::string& type = "application/xml") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
  }
  // Says `body` has twice its length, sends it and closes: a transfer cut short.
  static std::string truncated(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(2 * body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }

  void route(const std::string& key, std::string reply) {
    std::lock_guard l(m_);
    routes_[key] = Route{std::move(reply), false};
  }
  void hold(const std::string& key) {
    std::lock_guard l(m_);
    routes_[key] = Route{"", true};
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  bool listening() const { return listener_.listening(); }
  int requests() const { return requests_.load(); }
  std::vector<std::string> targets() {
    std::lock_guard l(m_);
    return targets_;
  }
  // The request heads, whole.
  std::vector<std::string> heads() {
    std::lock_guard l(m_);
    return heads_;
  }

 private:
  struct Route {
    std::string reply;
    bool hold = false;
  };

  void run() {
    while (!stop_) {
      const int c = ::accept(listener_.fd(), nullptr, nullptr);
      if (c < 0) return;
      timeval tv{2, 0};  // a request head that never ends is not waited for longer
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      serve(c, read_head(c));
    }
  }

  void serve(int c, const std::string& head) {
    Route r = find(head);
    ++requests_;
    if (r.hold) {
      held_.push_back(c);
      return;
    }
    ::send(c, r.reply.data(), r.reply.size(), MSG_NOSIGNAL);
    ::shutdown(c, SHUT_WR);
    char buf[4096];
    while (::recv(c, buf, sizeof buf, 0) > 0) {  // until the client closes (or 2 s of silence)
    }
    ::close(c);
  }

  Route find(const std::string& head) {
    const std::string target = target_of(head);
    std::lock_guard l(m_);
    targets_.push_back(target);
    heads_.push_back(head);
    for (const auto& [key, r] : routes_) {
      if (target.find(key) != std::string::npos) return r;
    }
    return Route{answer(404, "no route"), false};
  }

  static std::string read_head(int c) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos && got.size() < 65536) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  // "GET /x HTTP/1.1" -> "/x".
  static std::string target_of(const std::string& head) {
    const auto a = head.find(' ');
    const auto b = head.find(' ', a + 1);
    if (a == std::string::npos || b == std::string::npos) return {};
    return head.substr(a + 1, b - a - 1);
  }

  LoopbackListener listener_;
  std::uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex m_;
  std::map<std::string, Route> routes_;
  std::vector<std::string> targets_;
  std::vector<std::string> heads_;
  std::vector<int> held_;  // only the server's thread touches it until the join
  std::thread thread_;     // last: starts once the members above exist
};

}  // namespace conv::testing
