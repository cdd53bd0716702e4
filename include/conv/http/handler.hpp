#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>

#include "conv/http/response.hpp"

namespace conv::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Facts about a request that are not in the message itself.
struct RequestInfo {
  boost::asio::ip::tcp::endpoint remote;
  std::chrono::steady_clock::time_point start;
};

namespace detail {
// Where a Responder delivers its response: the connection that read the request.
class ResponseSink {
 public:
  virtual void complete(Response&& response) = 0;
  virtual boost::asio::any_io_executor executor() const = 0;

 protected:
  ~ResponseSink() = default;
};
}  // namespace detail

// The handle a handler answers through. Move-only; `send` must be called exactly once, on
// `executor()` (synchronously inside `handle`, or later from an operation bound to it). The
// request passed to `handle` stays valid until then.
class Responder {
 public:
  explicit Responder(std::shared_ptr<detail::ResponseSink> sink) : sink_(std::move(sink)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  void send(Response&& response) {
    auto sink = std::move(sink_);
    sink->complete(std::move(response));
  }
  boost::asio::any_io_executor executor() const { return sink_->executor(); }

 private:
  std::shared_ptr<detail::ResponseSink> sink_;
};

// A role plugs into the core as a Handler. It is shared by every connection and thread, so
// `handle` must be safe to call concurrently; it must not block.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void handle(const Request& request, const RequestInfo& info, Responder responder) = 0;
};

}  // namespace conv::http
