#pragma once

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string>

#include "conv/balancer/proxy/forward.hpp"

namespace conv::balancer {

class Exchange;

// The request's way upstream: the first piece of its body read before any upstream hears of
// it, then, on each attempt's connection, the head and the body (through the exchange's
// BodyRelay, framed as the client framed it).
class RequestLeg {
 public:
  explicit RequestLeg(Exchange& x) : x_(x) {}

  // Reads the body's first piece if there is a body, then starts the first attempt.
  void begin();
  // Sends the head, then the body, then goes on to the response.
  void send();

  bool has_body() const { return framing_ != Framing::none; }

 private:
  void on_head_sent(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec, std::size_t n);

  Exchange& x_;
  Framing framing_ = Framing::none;
  std::uint64_t length_ = 0;
  std::string head_;            // the request head, as sent upstream (built once)
  std::size_t prefetched_ = 0;  // body bytes read before connecting, in the relay
};

}  // namespace conv::balancer
