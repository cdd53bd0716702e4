// The upstream of the desync scenario (desync_script.hpp), on the rig's io_context: it reads
// each request the balancer sends, finds the client by the request's X-Id, and answers as
// that client's script says, with "X-Id: <the id of the request it answers>", then sends the
// script's stray bytes at the script's time. Every stray is written before the next client
// starts (flush_gap, then idle()), so a stray that reaches a later client was in the
// balancer's socket before that client's request existed: the balancer's fault, never a race.
#pragma once

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunk_bytes.hpp"
#include "desync_script.hpp"

namespace conv::fuzz {

namespace desync_detail {

// "id=<id>;" repeated and cut to `length` bytes.
inline std::string body_of(const std::string& id, std::size_t length) {
  std::string b;
  while (b.size() < length) b += "id=" + id + ";";
  b.resize(length);
  return b;
}

inline std::string head(const char* status, const std::string& id) {
  return std::string("HTTP/1.1 ") + status + "\r\nX-Id: " + id + "\r\n";
}

// The answer to request `id` as the client's script says. A HEAD answer carries no body but
// declares the length a GET would get, as RFC 9110 allows.
inline std::string answer(const DesyncClient& c, const std::string& id, bool is_head) {
  using A = DesyncClient;
  const std::string body = body_of(id, c.body_length);
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  const std::string content = is_head ? "" : body;
  switch (c.answer) {
    case A::ok_chunked: {
      std::string out = head("200 OK", id) + "Transfer-Encoding: chunked\r\n\r\n";
      if (is_head) return out;
      const std::size_t half = body.size() / 2;  // two chunks when there is a body
      if (half > 0) out += chunk(std::string_view(body).substr(0, half));
      if (body.size() > half) out += chunk(std::string_view(body).substr(half));
      return out + "0\r\n\r\n";
    }
    case A::no_content:
      return head("204 No Content", id) + (c.declare_length ? length : "") + "\r\n";
    case A::not_modified:
      return head("304 Not Modified", id) + (c.declare_length ? length : "") + "\r\n";
    case A::not_found:
      return head("404 Not Found", id) + length + "\r\n" + content;
    case A::error:
      return head("500 Internal Server Error", id) + length + "\r\n" + content;
    case A::interim:
      return "HTTP/1.1 100 Continue\r\n\r\n" + head("200 OK", id) + length + "\r\n" + content;
    case A::ok_close:
      return head("200 OK", id) + "Connection: close\r\n\r\n" + content;
    case A::ok:
      break;
  }
  return head("200 OK", id) + length + "\r\n" + content;
}

}  // namespace desync_detail

class DesyncUpstream {
 public:
  explicit DesyncUpstream(boost::asio::io_context& ioc)
      : acceptor_(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // The scenario of the next input, and the ids of its clients' requests.
  void start(std::vector<DesyncClient> clients, std::vector<std::string> ids) {
    clients_ = std::move(clients);
    ids_ = std::move(ids);
    problem.reset();
  }
  // Sends the strays kept for the gap between two clients.
  void flush_gap() {
    for (auto& weak : conns_) {
      if (auto c = weak.lock()) {
        auto gap = std::move(c->gap);
        c->gap.clear();
        for (auto& s : gap) enqueue(c, std::move(s), false);
      }
    }
    std::erase_if(conns_, [](const auto& w) { return w.expired(); });
  }
  // Nothing queued, being written or waiting on a timer, and nothing written that the kernel
  // has not sent yet.
  bool idle() const {
    if (*busy_ != 0) return false;
    for (const auto& weak : conns_) {
      const auto c = weak.lock();
      int unsent = 0;
      if (c && ::ioctl(c->socket.native_handle(), SIOCOUTQNSD, &unsent) == 0 && unsent > 0) {
        return false;
      }
    }
    return true;
  }
  std::size_t open() const { return *open_; }
  // What the balancer sent that is not a request of the scenario (a finding).
  std::optional<std::string> problem;

 private:
  using tcp = boost::asio::ip::tcp;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  struct Conn {
    Conn(tcp::socket s, std::shared_ptr<std::size_t> open) : socket(std::move(s)), open(open) {
      ++*open;
    }
    ~Conn() { --*open; }
    tcp::socket socket;
    std::shared_ptr<std::size_t> open;
    boost::beast::flat_buffer buffer;
    std::optional<Parser> parser;
    struct Write {
      std::string bytes;
      bool shutdown_after;
    };
    std::deque<Write> queue;
    bool writing = false;
    bool shut = false;
    std::vector<std::string> gap;  // strays for the gap before the next client
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<Conn>(std::move(s), open_);
      // Each write goes out at once: Nagle's algorithm would hold a stray back until the
      // balancer's next request carried an ACK, and the stray would follow that request.
      boost::system::error_code ignored;
      c->socket.set_option(tcp::no_delay(true), ignored);
      conns_.push_back(c);
      read_request(c);
      accept();
    });
  }

  void read_request(std::shared_ptr<Conn> c) {
    c->parser.emplace();
    c->parser->body_limit(1 << 20);
    boost::beast::http::async_read(c->socket, c->buffer, *c->parser,
                                   [this, c](boost::system::error_code ec, std::size_t) {
                                     if (ec) return;  // the balancer closed it
                                     on_request(c);
                                     read_request(c);
                                   });
  }

  void on_request(const std::shared_ptr<Conn>& c) {
    const auto& req = c->parser->get();
    const auto it = req.find("X-Id");
    const std::string id = it == req.end() ? "" : std::string(it->value());
    std::size_t k = 0;
    while (k < ids_.size() && ids_[k] != id) ++k;
    if (k == ids_.size()) {
      if (!problem) problem = "the upstream received a request of no client: X-Id \"" + id + "\"";
      return;
    }
    if (c->shut) return;  // it closed its side: it cannot answer
    const bool is_head = req.method() == boost::beast::http::verb::head;
    answer(c, clients_[k], k, is_head);
  }

  void answer(const std::shared_ptr<Conn>& c, const DesyncClient& client, std::size_t k,
              bool is_head) {
    using T = DesyncClient;
    const bool closes = client.upstream_closes || client.answer == T::ok_close;
    std::string first = desync_detail::answer(client, ids_[k], is_head);
    std::string stray = stray_bytes(client, k, is_head);
    // Strays must go out before the upstream closes its side.
    const T::Timing timing = closes && client.timing >= T::delayed ? T::next_write : client.timing;
    if (stray.empty() || timing == T::same_write) {
      enqueue(c, first + stray, closes);
      return;
    }
    enqueue(c, std::move(first), false);
    if (timing == T::next_write) {
      enqueue(c, std::move(stray), closes);
    } else if (timing == T::in_gap) {
      c->gap.push_back(std::move(stray));
    } else {
      delay(c, std::move(stray), client.delay_ms);
    }
  }

  std::string stray_bytes(const DesyncClient& client, std::size_t k, bool is_head) const {
    using T = DesyncClient;
    switch (client.stray) {
      case T::other_response: {
        const std::string owner = client.stray_owner == 1            ? ids_[k]
                                  : client.stray_owner == 2 && k > 0 ? ids_[k - 1]
                                                                     : std::string("poison");
        return desync_detail::head("200 OK", owner) + "Content-Length: 6\r\n\r\nPOISON";
      }
      case T::input_bytes:
        return client.stray_bytes;
      case T::half_head:
        return desync_detail::head("200 OK", "poison");
      case T::interim_stray:
        return "HTTP/1.1 100 Continue\r\n\r\n";
      case T::second_answer:
        return desync_detail::answer(client, ids_[k], is_head);
      case T::none:
        break;
    }
    return {};
  }

  void delay(const std::shared_ptr<Conn>& c, std::string bytes, unsigned ms) {
    auto timer = std::make_shared<boost::asio::steady_timer>(c->socket.get_executor());
    timer->expires_after(std::chrono::milliseconds(ms));
    ++*busy_;
    timer->async_wait([this, c, timer, bytes = std::move(bytes),
                       busy = busy_](boost::system::error_code) mutable {
      --*busy;
      enqueue(c, std::move(bytes), false);
    });
  }

  void enqueue(const std::shared_ptr<Conn>& c, std::string bytes, bool shutdown_after) {
    if (c->shut) return;
    ++*busy_;
    c->queue.push_back({std::move(bytes), shutdown_after});
    if (!c->writing) write_next(c);
  }

  void write_next(const std::shared_ptr<Conn>& c) {
    if (c->queue.empty()) {
      c->writing = false;
      return;
    }
    c->writing = true;
    boost::asio::async_write(c->socket, boost::asio::buffer(c->queue.front().bytes),
                             [this, c, busy = busy_](boost::system::error_code ec, std::size_t) {
                               --*busy;
                               const bool shut = c->queue.front().shutdown_after;
                               c->queue.pop_front();
                               if (ec || shut) {
                                 boost::system::error_code ignored;
                                 c->socket.shutdown(tcp::socket::shutdown_send, ignored);
                                 c->shut = true;
                                 *busy -= c->queue.size();  // never written
                                 c->queue.clear();
                                 c->writing = false;
                                 return;
                               }
                               write_next(c);
                             });
  }

  tcp::acceptor acceptor_;
  std::vector<DesyncClient> clients_;
  std::vector<std::string> ids_;
  std::vector<std::weak_ptr<Conn>> conns_;
  std::shared_ptr<std::size_t> open_ = std::make_shared<std::size_t>(0);
  std::shared_ptr<std::size_t> busy_ = std::make_shared<std::size_t>(0);
};

}  // namespace conv::fuzz
