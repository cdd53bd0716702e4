#pragma once

// What the session tests over the server and over other streams share: a handler that answers
// with the size of the request body in either body mode, the modes as test parameters, and a
// request of an exact header size.

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "conv/http/body_error.hpp"
#include "conv/http/handler.hpp"

namespace conv::testing {

// Answers "<body size>" once it has the whole body: the core collects it (buffered), or the
// handler pulls it piece by piece as the balancer does (streamed), answering a failed body
// with the same error the balancer sends.
class BodyHandler : public http::Handler {
 public:
  explicit BodyHandler(BodyMode mode) : mode_(mode) {}
  BodyMode body_mode() const override { return mode_; }

  void handle(const http::RequestHeader&, std::string_view body, const http::RequestInfo&,
              http::Responder responder) override {
    if (mode_ == BodyMode::buffered) {
      answer(std::move(responder), body.size());
      return;
    }
    auto state = std::make_shared<Pull>(Pull{std::move(responder), {}, 0});
    pull(state);
  }

 private:
  struct Pull {
    http::Responder responder;
    std::array<char, 16384> buffer;
    std::size_t total;
  };

  static void answer(http::Responder responder, std::size_t size) {
    http::Response r;
    r.content_type = "text/plain";
    r.body = std::to_string(size);
    responder.send(std::move(r));
  }

  static void pull(std::shared_ptr<Pull> s) {
    s->responder.read_body(boost::asio::buffer(s->buffer),
                           [s](boost::system::error_code ec, std::size_t n) {
                             if (ec) {
                               s->responder.send(http::body_error_response(ec));
                             } else if (n == 0) {
                               answer(std::move(s->responder), s->total);
                             } else {
                               s->total += n;
                               pull(s);
                             }
                           });
  }

  BodyMode mode_;
};

// The body modes as test parameters, named in the test names.
inline auto body_modes() {
  return ::testing::Values(http::Handler::BodyMode::buffered, http::Handler::BodyMode::streamed);
}
inline std::string body_mode_name(const ::testing::TestParamInfo<http::Handler::BodyMode>& info) {
  return info.param == http::Handler::BodyMode::buffered ? "buffered" : "streamed";
}

// A request whose header block (request line to blank line) is exactly `size` bytes.
inline std::string request_with_header_of(std::size_t size) {
  const std::string start = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: ";
  const std::string end = "\r\n\r\n";
  return start + std::string(size - start.size() - end.size(), 'p') + end;
}

}  // namespace conv::testing
