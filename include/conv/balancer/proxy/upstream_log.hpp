#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace conv::balancer {

// What the access log gets about the upstream side of a request: nginx's $upstream_addr,
// $upstream_status and $upstream_response_time, one entry per attempt.
class UpstreamLog {
 public:
  // One attempt: the upstream's name, the status it gave (or the balancer's own for a
  // failure: 502, 504), and how long it took.
  void record(std::string_view address, unsigned status, std::chrono::steady_clock::duration took);

  // `ua="a, b" us="502, 200" urt="0.001, 0.002"`; "-" for a field without entries.
  std::string text() const;

 private:
  std::string addresses_;
  std::string statuses_;
  std::string times_;
};

}  // namespace conv::balancer
