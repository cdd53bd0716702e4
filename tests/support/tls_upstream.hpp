#pragma once

// A small HTTPS server on loopback for the client-side TLS tests (the probe, the balancer's
// upstream connections, health checks over TLS): Asio's SSL stream on one thread of its own.
// It serves a certificate of the test set, may require a client certificate, keeps
// connections alive, and counts what the tests check: connections accepted, handshakes (and
// how many resumed a session), requests, the client certificate presented.

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace conv::testing {

struct TlsUpstreamOptions {
  std::string cert;  // PEM files, full paths (TestCerts)
  std::string key;
  std::string client_ca;  // non-empty: a client certificate signed by it is required
  // After each response, waits for send_late_tickets(), which sends one more TLS 1.3 session
  // ticket: a connection idle on the client's side then receives TLS records that carry no
  // data.
  bool late_tickets = false;
};

class TlsUpstream {
 public:
  explicit TlsUpstream(const TlsUpstreamOptions& o)
      : late_tickets_(o.late_tickets), ssl_(boost::asio::ssl::context::tls_server), acceptor_(io_) {
    ssl_.use_certificate_chain_file(o.cert);
    ssl_.use_private_key_file(o.key, boost::asio::ssl::context::pem);
    // Counts the session tickets written (the handshake's, and late ones).
    SSL_CTX_set_msg_callback(ssl_.native_handle(), [](int write_p, int, int type, const void* buf,
                                                      std::size_t len, SSL*, void* self) {
      if (write_p && type == SSL3_RT_HANDSHAKE && len > 0 &&
          static_cast<const unsigned char*>(buf)[0] == SSL3_MT_NEWSESSION_TICKET) {
        ++static_cast<TlsUpstream*>(self)->tickets_written;
      }
    });
    SSL_CTX_set_msg_callback_arg(ssl_.native_handle(), this);
    static constexpr unsigned char kId[] = "conv-test";
    SSL_CTX_set_session_id_context(ssl_.native_handle(), kId, sizeof kId - 1);
    if (!o.client_ca.empty()) {
      ssl_.load_verify_file(o.client_ca);
      ssl_.set_verify_mode(boost::asio::ssl::verify_peer |
                           boost::asio::ssl::verify_fail_if_no_peer_cert);
    }
    using boost::asio::ip::tcp;
    const tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(at.protocol());
    acceptor_.bind(at);
    acceptor_.listen();
    port = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TlsUpstream() {
    // Everything is closed on the server's own thread, which then runs out of work.
    boost::asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& c : connections_) c->socket.lowest_layer().close(ignored);
    });
    thread_.join();
  }
  TlsUpstream(const TlsUpstream&) = delete;
  TlsUpstream& operator=(const TlsUpstream&) = delete;

  // Closes every open connection now (an upstream restart, as a client sees it).
  void close_connections() {
    boost::asio::post(io_, [this] {
      boost::system::error_code ignored;
      for (auto& c : connections_) c->socket.lowest_layer().close(ignored);
    });
  }
  // Sends a ticket on each connection waiting for one (TlsUpstreamOptions::late_tickets).
  void send_late_tickets() {
    boost::asio::post(io_, [this] {
      for (auto c : std::exchange(awaiting_ticket_, {})) send_ticket(c);
    });
  }
  std::string client_subject() {
    std::lock_guard lock(mutex_);
    return client_subject_;
  }

  std::uint16_t port = 0;
  std::atomic<int> accepts{0};
  std::atomic<int> handshakes{0};  // completed
  std::atomic<int> resumed{0};     // of which resumed a session
  std::atomic<int> failed_handshakes{0};
  std::atomic<int> requests{0};
  std::atomic<int> closed{0};           // connections ended (by either side)
  std::atomic<int> late_tickets{0};     // asked for (TlsUpstreamOptions::late_tickets)
  std::atomic<int> tickets_written{0};  // every session ticket, late ones included
  std::atomic<unsigned> status{200};    // what every request is answered with (101: an echo)

 private:
  struct Connection {
    Connection(boost::asio::ip::tcp::socket s, boost::asio::ssl::context& c)
        : socket(std::move(s), c) {}
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> socket;
    std::string in;
    std::string out;
  };
  using Conn = std::list<std::shared_ptr<Connection>>::iterator;

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      ++accepts;
      connections_.push_front(std::make_shared<Connection>(std::move(s), ssl_));
      handshake(connections_.begin());
      accept();
    });
  }

  void handshake(Conn c) {
    (*c)->socket.async_handshake(boost::asio::ssl::stream_base::server,
                                 [this, c](boost::system::error_code ec) {
                                   if (ec) {
                                     ++failed_handshakes;
                                     return drop(c);
                                   }
                                   on_handshake(**c);
                                   read(c);
                                 });
  }

  void on_handshake(Connection& c) {
    ++handshakes;
    SSL* ssl = c.socket.native_handle();
    if (SSL_session_reused(ssl)) ++resumed;
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      char name[256] = {};
      X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
      X509_free(peer);
      std::lock_guard lock(mutex_);
      client_subject_ = name;
    }
  }

  void read(Conn c) {
    boost::asio::async_read_until(
        (*c)->socket, boost::asio::dynamic_buffer((*c)->in), "\r\n\r\n",
        [this, c](boost::system::error_code ec, std::size_t n) {
          if (ec) return drop(c);
          ++requests;
          const std::string head = (*c)->in.substr(0, n);
          (*c)->in.erase(0, n);
          if (status.load() == 101) return switch_to_echo(c);
          const std::string target = head.substr(4, head.find(' ', 4) - 4);
          const std::string body = "tls upstream: " + target + "\n";
          (*c)->out =
              "HTTP/1.1 " + std::to_string(status.load()) +
              " X\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\n\r\n" + body;
          boost::asio::async_write((*c)->socket, boost::asio::buffer((*c)->out),
                                   [this, c](boost::system::error_code wec, std::size_t) {
                                     if (wec) return drop(c);
                                     if (late_tickets_) {
                                       awaiting_ticket_.push_back(c);
                                     } else {
                                       read(c);
                                     }
                                   });
        });
  }

  // status 101: switches to a protocol that echoes every byte back.
  void switch_to_echo(Conn c) {
    (*c)->out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n" +
                std::exchange((*c)->in, {});
    boost::asio::async_write((*c)->socket, boost::asio::buffer((*c)->out),
                             [this, c](boost::system::error_code ec, std::size_t) {
                               if (ec) return drop(c);
                               echo(c);
                             });
  }
  void echo(Conn c) {
    (*c)->in.resize(4096);
    (*c)->socket.async_read_some(
        boost::asio::buffer((*c)->in), [this, c](boost::system::error_code ec, std::size_t n) {
          if (ec) return drop(c);
          (*c)->out = (*c)->in.substr(0, n);
          boost::asio::async_write((*c)->socket, boost::asio::buffer((*c)->out),
                                   [this, c](boost::system::error_code wec, std::size_t) {
                                     if (wec) return drop(c);
                                     echo(c);
                                   });
        });
  }

  // A ticket is queued, then written by a handshake call on the established connection.
  void send_ticket(Conn c) {
    SSL_new_session_ticket((*c)->socket.native_handle());
    (*c)->socket.async_handshake(boost::asio::ssl::stream_base::server,
                                 [this, c](boost::system::error_code ec) {
                                   if (ec) return drop(c);
                                   ++late_tickets;
                                   read(c);
                                 });
  }

  void drop(Conn c) {
    ++closed;
    boost::system::error_code ignored;
    (*c)->socket.lowest_layer().close(ignored);
    connections_.erase(c);
  }

  bool late_tickets_;
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::list<std::shared_ptr<Connection>> connections_;  // only the server's thread touches it
  std::vector<Conn> awaiting_ticket_;                   // likewise
  std::mutex mutex_;
  std::string client_subject_;
  std::thread thread_;
};

}  // namespace conv::testing
