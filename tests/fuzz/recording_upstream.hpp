// The balancer session fuzzer's upstream, on the harness's io_context: it parses and records
// every request the balancer sends it, and answers in one of two ways.
//  - reply mode: writes fixed bytes (the input's second half) on every connection at once,
//    then half-closes; requests are still read and recorded.
//  - echo mode: answers each request, in order, with a well-formed response that carries the
//    request's sequence number in "X-Echo" (chunked for odd numbers, Content-Length for even
//    ones), so that a client's answer can be paired with what the upstream received.
// What the balancer sends must parse as HTTP/1.1 requests: anything else is recorded in
// `malformed`, a finding.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunk_bytes.hpp"
#include "heap_meter.hpp"

namespace conv::fuzz {

namespace bhttp = boost::beast::http;

// A request as the upstream received it.
struct ReceivedRequest {
  HarnessString method, target, body;
};

class RecordingUpstream {
 public:
  explicit RecordingUpstream(boost::asio::io_context& ioc)
      : acceptor_(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // Nothing: echo mode. Set between inputs.
  std::optional<HarnessString> reply;
  // Every complete request received since clear(), in the order they completed.
  std::vector<ReceivedRequest, HarnessAllocator<ReceivedRequest>> received;
  // Set when the balancer sent bytes that are not an HTTP/1.1 request.
  std::optional<std::string> malformed;
  // Connections accepted and not yet closed.
  std::size_t open() const { return *open_; }

  void clear() {
    received.clear();
    malformed.reset();
  }

 private:
  using tcp = boost::asio::ip::tcp;
  // The upstream is part of the test: its memory is the harness's, not the balancer's.
  using Body = bhttp::basic_string_body<char, std::char_traits<char>, HarnessAllocator<char>>;
  using Parser = bhttp::request_parser<Body, HarnessAllocator<char>>;

  struct Conn {
    Conn(tcp::socket s, std::shared_ptr<std::size_t> open) : socket(std::move(s)), open(open) {
      ++*open;
    }
    ~Conn() { --*open; }
    tcp::socket socket;
    std::shared_ptr<std::size_t> open;
    boost::beast::basic_flat_buffer<HarnessAllocator<char>> buffer;
    std::optional<Parser> parser;
    HarnessString out;
    bool echo = true;  // the mode when it was accepted
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<Conn>(std::move(s), open_);
      c->echo = !reply;
      if (reply) {
        c->out.assign(reply->data(), reply->size());
        boost::asio::async_write(c->socket, boost::asio::buffer(c->out),
                                 [c](boost::system::error_code wec, std::size_t) {
                                   boost::system::error_code ignored;
                                   if (!wec)
                                     c->socket.shutdown(tcp::socket::shutdown_send, ignored);
                                 });
      }
      read_request(c);
      accept();
    });
  }

  void read_request(std::shared_ptr<Conn> c) {
    c->parser.emplace();
    c->parser->header_limit(1 << 20);
    c->parser->body_limit(boost::none);
    bhttp::async_read(c->socket, c->buffer, *c->parser,
                      [this, c](boost::system::error_code ec, std::size_t) { on_request(c, ec); });
  }

  void on_request(std::shared_ptr<Conn> c, boost::system::error_code ec) {
    if (ec) {
      // The balancer closing between requests, or in the middle of one it gave up on, is
      // fine; bytes that do not parse are not.
      const bool closed = ec == boost::asio::error::eof || ec == bhttp::error::end_of_stream ||
                          ec == bhttp::error::partial_message ||
                          ec == boost::asio::error::connection_reset ||
                          ec == boost::asio::error::operation_aborted;
      if (!closed && !malformed)
        malformed = "the upstream received bytes that do not parse: " + ec.message();
      return;
    }
    const auto& req = c->parser->get();
    ReceivedRequest r;  // (the harness's memory: see heap_meter.hpp)
    r.method.assign(req.method_string().data(), req.method_string().size());
    r.target.assign(req.target().data(), req.target().size());
    r.body.assign(req.body().data(), req.body().size());
    const bool head = req.method() == bhttp::verb::head;
    received.push_back(std::move(r));
    if (!c->echo) {
      read_request(c);
      return;
    }
    const std::string answer = echo_response(received.size() - 1, head);
    c->out.assign(answer.data(), answer.size());
    boost::asio::async_write(c->socket, boost::asio::buffer(c->out),
                             [this, c](boost::system::error_code wec, std::size_t) {
                               if (!wec) read_request(c);
                             });
  }

  static std::string echo_response(std::size_t n, bool head) {
    const std::string id = std::to_string(n);
    const std::string body = "echo " + id + "\n";
    std::string out = "HTTP/1.1 200 OK\r\nX-Served-By: upstream\r\nX-Echo: " + id + "\r\n";
    if (n % 2 == 1) {
      out += "Transfer-Encoding: chunked\r\n\r\n";
      if (head) return out;  // a response to HEAD has no body, however it is framed
      // Two chunks, so that the balancer re-frames more than one.
      out += chunk(std::string_view(body).substr(0, 3)) + chunk(std::string_view(body).substr(3)) +
             "0\r\n\r\n";
      return out;
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    if (!head) out += body;
    return out;
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<std::size_t> open_ = std::make_shared<std::size_t>(0);
};

}  // namespace conv::fuzz
