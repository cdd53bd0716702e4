// Sessions over TLS: the handshake and what it negotiates, refused versions and client
// certificates, resumption, HSTS, the handshake's deadline, and reload under load.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "conv/http/server.hpp"
#include "conv/tls/termination.hpp"
#include "support/loopback.hpp"
#include "support/test_certs.hpp"
#include "support/tls_client.hpp"

namespace conv::http {
namespace {

using conv::testing::TestCerts;
using conv::testing::tls_exchange;
using conv::testing::TlsClientOptions;
using namespace std::chrono_literals;

class SecureHandler : public Handler {
 public:
  void handle(const RequestHeader&, std::string_view, const RequestInfo&,
              Responder responder) override {
    Response r;
    r.content_type = "text/plain";
    r.body = responder.secure() ? "secure" : "plain";
    responder.send(std::move(r));
  }
};

tls::ServerTlsOptions default_tls() {
  const auto& c = TestCerts::get();
  tls::ServerTlsOptions o;
  o.certificates = {{c.path("server.pem"), c.path("server.key"), {}},
                    {c.path("other.pem"), c.path("other.key"), {}}};
  return o;
}

class TlsSessionTest : public ::testing::Test {
 protected:
  void start(tls::ServerTlsOptions tls = default_tls(), ServerOptions opts = {}) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.threads = 2;
    termination_ = std::make_shared<tls::Termination>(std::move(tls));
    log_ = AccessLog::open("off");
    server_ = std::make_unique<Server>(opts, handler_, metrics_, *log_, ResponseIdentity{"t"});
    server_->set_tls(termination_);
    server_->bind();
    port_ = server_->local_endpoint().port();
    server_->start();
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      server_->wait();
    }
  }
  TlsClientOptions trusting() const {
    TlsClientOptions o;
    o.ca = TestCerts::get().path("ca.pem");
    return o;
  }
  // Polls (bounded: 2 s) until `count` reaches `n`.
  template <typename F>
  static bool eventually(F count, std::uint64_t n) {
    for (int i = 0; i < 400 && count() < n; ++i) std::this_thread::sleep_for(5ms);
    return count() >= n;
  }

  SecureHandler handler_;
  Metrics metrics_{"t_http", {"none"}};
  std::unique_ptr<AccessLog> log_;
  std::shared_ptr<tls::Termination> termination_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

TEST_F(TlsSessionTest, AHandshakeNegotiatesHttp11AndTheHandlerKnowsItIsSecure) {
  start();
  const auto r = tls_exchange(port_, trusting());
  ASSERT_TRUE(r.handshake_ok) << r.error;
  EXPECT_EQ(r.alpn, "http/1.1");
  EXPECT_NE(r.response.find("HTTP/1.1 200 OK"), std::string::npos) << r.response;
  EXPECT_NE(r.response.find("\r\n\r\nsecure"), std::string::npos) << r.response;
  EXPECT_EQ(r.response.find("Strict-Transport-Security"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return termination_->stats().full(); }, 1));
}

TEST_F(TlsSessionTest, SniPicksTheCertificateThatNamesTheHost) {
  start();
  auto o = trusting();
  o.server_name = "b.test";
  const auto b = tls_exchange(port_, o);
  ASSERT_TRUE(b.handshake_ok) << b.error;
  EXPECT_EQ(b.subject, "/CN=other");
  o.server_name = "a.test";
  const auto a = tls_exchange(port_, o);
  ASSERT_TRUE(a.handshake_ok) << a.error;
  EXPECT_EQ(a.subject, "/CN=server");
  // A name no certificate has gets the default (and fails verification against it).
  o.ca.clear();
  o.server_name = "unknown.test";
  const auto d = tls_exchange(port_, o);
  ASSERT_TRUE(d.handshake_ok) << d.error;
  EXPECT_EQ(d.subject, "/CN=server");
}

TEST_F(TlsSessionTest, Tls10And11AreRefusedAndCountedAsProtocolVersion) {
  start();
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    auto o = trusting();
    o.max_version = version;
    const auto r = tls_exchange(port_, o);
    EXPECT_FALSE(r.handshake_ok) << version;
  }
  const auto why = tls::HandshakeFailure::protocol_version;
  EXPECT_TRUE(eventually([&] { return termination_->stats().failures(why); }, 2));
}

TEST_F(TlsSessionTest, AClientOfferingOnlyAnotherProtocolIsRefused) {
  start();
  auto o = trusting();
  o.alpn = "h2";
  EXPECT_FALSE(tls_exchange(port_, o).handshake_ok);
  const auto why = tls::HandshakeFailure::no_application_protocol;
  EXPECT_TRUE(eventually([&] { return termination_->stats().failures(why); }, 1));
}

TEST_F(TlsSessionTest, ASecondConnectionResumesItsSession) {
  start();
  const auto first = tls_exchange(port_, trusting());
  ASSERT_TRUE(first.handshake_ok) << first.error;
  ASSERT_NE(first.session, nullptr);
  auto o = trusting();
  o.session = first.session.get();
  const auto second = tls_exchange(port_, o);
  ASSERT_TRUE(second.handshake_ok) << second.error;
  EXPECT_TRUE(second.resumed);
  EXPECT_TRUE(eventually([&] { return termination_->stats().resumed(); }, 1));
}

// TLS 1.2 without tickets resumes by session ID, from the server's cache: the first
// connection's session must stay there once the server has closed that connection (here at
// its idle timeout, with no close_notify).
TEST_F(TlsSessionTest, Tls12WithoutTicketsResumesFromTheSessionCacheAfterAClose) {
  auto tls = default_tls();
  tls.ticket_key_rotation = 0s;  // no tickets: the cache alone
  ServerOptions opts;
  opts.idle_timeout = 100ms;
  start(tls, opts);
  auto o = trusting();
  o.max_version = TLS1_2_VERSION;
  o.min_version = TLS1_2_VERSION;
  o.request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";  // kept alive until the timeout
  const auto first = tls_exchange(port_, o);
  ASSERT_TRUE(first.handshake_ok) << first.error;
  ASSERT_NE(first.session, nullptr);
  o.session = first.session.get();
  const auto second = tls_exchange(port_, o);
  ASSERT_TRUE(second.handshake_ok) << second.error;
  EXPECT_TRUE(second.resumed);
}

TEST_F(TlsSessionTest, WithoutTicketsOrCacheNothingResumes) {
  auto tls = default_tls();
  tls.ticket_key_rotation = 0s;
  tls.session_cache_size = 0;
  start(tls);
  const auto first = tls_exchange(port_, trusting());
  auto o = trusting();
  o.session = first.session.get();
  const auto second = tls_exchange(port_, o);
  ASSERT_TRUE(second.handshake_ok) << second.error;
  EXPECT_FALSE(second.resumed);
}

TEST_F(TlsSessionTest, MutualTlsAcceptsTheCasClientsAndRefusesOthers) {
  const auto& c = TestCerts::get();
  auto tls = default_tls();
  tls.client_ca = c.path("ca.pem");
  tls.client_verify = tls::ClientVerify::required;
  start(tls);
  auto o = trusting();
  o.cert = c.path("client.pem");
  o.key = c.path("client.key");
  const auto ok = tls_exchange(port_, o);
  ASSERT_TRUE(ok.handshake_ok) << ok.error;
  EXPECT_NE(ok.response.find("200 OK"), std::string::npos) << ok.response;
  // TLS 1.3 sends the client's certificate after the client's handshake ends: the refusal
  // arrives instead of the response.
  o.cert = c.path("rogue-client.pem");
  o.key = c.path("rogue-client.key");
  EXPECT_EQ(tls_exchange(port_, o).response.find("200 OK"), std::string::npos);
  const auto none = tls_exchange(port_, trusting());
  EXPECT_EQ(none.response.find("200 OK"), std::string::npos);
  const auto why = tls::HandshakeFailure::client_certificate;
  EXPECT_TRUE(eventually([&] { return termination_->stats().failures(why); }, 2));
}

TEST_F(TlsSessionTest, HstsIsSentWhenConfigured) {
  auto tls = default_tls();
  tls.hsts_max_age = 31536000s;
  start(tls);
  const auto r = tls_exchange(port_, trusting());
  EXPECT_NE(r.response.find("\r\nStrict-Transport-Security: max-age=31536000\r\n"),
            std::string::npos)
      << r.response;
}

TEST_F(TlsSessionTest, AClientThatNeverHandshakesIsClosedAtTheHeaderTimeout) {
  ServerOptions opts;
  opts.header_timeout = 200ms;
  start(default_tls(), opts);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = conv::testing::loopback_address(port_);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);  // closed by the server, well before 5 s
  ::close(fd);
  const auto why = tls::HandshakeFailure::timeout;
  EXPECT_TRUE(eventually([&] { return termination_->stats().failures(why); }, 1));
}

TEST_F(TlsSessionTest, PlainHttpToTheTlsPortIsCountedAndClosed) {
  start();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = conv::testing::loopback_address(port_);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  while (::recv(fd, buf, sizeof buf, 0) > 0) {
  }
  ::close(fd);
  const auto why = tls::HandshakeFailure::http_request;
  EXPECT_TRUE(eventually([&] { return termination_->stats().failures(why); }, 1));
}

// A kept-alive client whose records reach the server a byte at a time: between requests the
// session waits with its read buffer freed, and a record that has partly arrived is read on
// (OpenSSL's read-ahead holds the part). The client is OpenSSL writing into memory, so that
// the test decides how its bytes are sent.
TEST_F(TlsSessionTest, RecordsArrivingAByteAtATimeAreAnsweredOnAKeptAliveConnection) {
  start();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = conv::testing::loopback_address(port_);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_rfd(ssl.get(), fd);
  SSL_set0_wbio(ssl.get(), out);  // owned by the SSL
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  SSL_set_connect_state(ssl.get());
  const auto readable = [&] {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 5000) == 1;
  };
  const auto flush = [&](long piece) {  // sends what OpenSSL wrote, `piece` bytes per send()
    char* data = nullptr;
    const long n = BIO_get_mem_data(out, &data);
    for (long i = 0; i < n; i += piece) {
      const long len = std::min(piece, n - i);
      ASSERT_EQ(::send(fd, data + i, static_cast<std::size_t>(len), 0), len);
    }
    (void)BIO_reset(out);
  };
  // Non-blocking: OpenSSL says when it wants input, and the test flushes its output first.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  int r = 0;
  for (int i = 0; i < 20 && (r = SSL_do_handshake(ssl.get())) != 1; ++i) {
    flush(4096);
    if (SSL_get_error(ssl.get(), r) != SSL_ERROR_WANT_READ || !readable()) break;
  }
  flush(4096);
  ASSERT_EQ(r, 1);
  for (int request = 0; request < 3; ++request) {
    const std::string req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ASSERT_EQ(SSL_write(ssl.get(), req.data(), static_cast<int>(req.size())),
              static_cast<int>(req.size()));
    flush(1);
    std::string response;
    char buf[4096];
    for (int i = 0; i < 50 && !response.ends_with("\r\n\r\nsecure"); ++i) {
      const int n = SSL_read(ssl.get(), buf, sizeof buf);
      if (n > 0) {
        response.append(buf, static_cast<std::size_t>(n));
      } else if (SSL_get_error(ssl.get(), n) != SSL_ERROR_WANT_READ || !readable()) {
        break;  // (WANT_READ after a TLS 1.3 ticket too: it carries no data)
      }
    }
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK"))
        << "request " << request << ": " << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\nsecure")) << response;
  }
  ::close(fd);
}

// Requests that arrive together are read without waiting for the socket (read_idle_tls reads
// synchronously, and from inside such a read asynchronously, so that a client streaming line
// ends cannot recurse without bound): 2 MiB of line ends, then two pipelined requests, are
// answered twice, in order.
TEST_F(TlsSessionTest, LineEndsAndPipelinedRequestsInOneWriteAreAllAnswered) {
  start();
  auto o = trusting();
  o.request = std::string(2 << 20, '\n') + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" +
              "\r\nGET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  const auto r = tls_exchange(port_, o);
  ASSERT_TRUE(r.handshake_ok) << r.error;
  const auto first = r.response.find("\r\n\r\nsecure");
  ASSERT_NE(first, std::string::npos) << r.response;
  EXPECT_NE(r.response.find("\r\n\r\nsecure", first + 1), std::string::npos) << r.response;
  EXPECT_TRUE(r.response.starts_with("HTTP/1.1 200 OK")) << r.response.substr(0, 200);
}

// Reloading certificates while clients connect fails no handshake and drops no connection,
// and new connections get the new certificate.
TEST_F(TlsSessionTest, ReloadUnderLoadFailsNothing) {
  const auto& c = TestCerts::get();
  start();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::string last_error;
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 2000 && !stop.load(); ++i) {
        const auto r = tls_exchange(port_, trusting());
        if (r.handshake_ok && r.response.find("200 OK") != std::string::npos) {
          ok.fetch_add(1);
        } else {
          failed.fetch_add(1);
          if (t == 0) last_error = r.error;
        }
      }
    });
  }
  auto swapped = default_tls();
  std::swap(swapped.certificates[0], swapped.certificates[1]);
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(termination_->reload(i % 2 ? default_tls() : swapped).has_value());
    std::this_thread::sleep_for(10ms);  // pacing between reloads, not readiness
  }
  // A bad file keeps what is loaded.
  auto bad = default_tls();
  bad.certificates[0].key = c.path("wrong.key");
  EXPECT_TRUE(termination_->reload(bad).has_value());
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0) << last_error;
  EXPECT_GT(ok.load(), 20);
  EXPECT_EQ(termination_->reloads(), 20u);
  // The last good reload was default_tls(): server.pem is the default again.
  const auto r = tls_exchange(port_, trusting());
  EXPECT_EQ(r.subject, "/CN=server");
}

}  // namespace
}  // namespace conv::http
