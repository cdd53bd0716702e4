#pragma once

// Loopback sockets for tests: a listener on a port the kernel picks, and a port where nobody
// listens. Every scripted peer in the tests starts from these.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace conv::testing {

inline sockaddr_in loopback_address(std::uint16_t port = 0) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

// A TCP socket listening on 127.0.0.1 and a free port, closed when destroyed.
class LoopbackListener {
 public:
  explicit LoopbackListener(int backlog = 16) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a = loopback_address();
    bound_ =
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, backlog) == 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~LoopbackListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int fd() const { return fd_; }
  std::uint16_t port() const { return port_; }
  bool listening() const { return bound_; }  // bind and listen both succeeded

  // Makes an accept() blocked on another thread return an error. The socket stays open (and
  // fd() valid) until the destructor, which runs after that thread is joined: closing it here
  // would race with the thread's next fd() (and the number could be reused meanwhile).
  void wake_acceptor() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
  std::uint16_t port_ = 0;
};

// A loopback port nobody listens on (bound once, then released): connecting is refused.
inline std::uint16_t closed_port() {
  LoopbackListener l(1);
  return l.port();
}

}  // namespace conv::testing
