#pragma once

// A TLS client for tests: one connection, a handshake with the options asked for, one GET with
// `Connection: close`, and the whole response read to EOF; everything under one 5 s deadline
// (Asio, run on an io_context of its own). What the handshake negotiated is reported.

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace conv::testing {

struct TlsClientOptions {
  std::string server_name = "localhost";  // SNI, and the name verified if `ca` is set
  std::string ca;                         // verify the server against this CA; empty: don't
  std::string cert, key;                  // a client certificate (mTLS)
  int max_version = 0;                    // e.g. TLS1_1_VERSION; 0: OpenSSL's default
  int min_version = 0;
  std::string alpn = "http/1.1";   // one protocol offered; empty: no ALPN
  SSL_SESSION* session = nullptr;  // resume this session (not owned)
  std::string request;             // what to send; default: GET / with Connection: close
};

struct TlsResult {
  bool handshake_ok = false;
  std::string error;    // why the handshake or the exchange failed
  std::string alpn;     // negotiated protocol
  std::string subject;  // the server certificate's subject ("CN=server")
  bool resumed = false;
  std::string response;  // everything read until EOF
  // A session to resume later, if the server gave one.
  std::shared_ptr<SSL_SESSION> session;
};

// The SSL ex_data slot where the new-session callback finds the result to fill.
inline int result_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

inline TlsResult tls_exchange(std::uint16_t port, const TlsClientOptions& o) {
  namespace net = boost::asio;
  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  SSL_CTX* native = ctx.native_handle();
  if (o.min_version) SSL_CTX_set_min_proto_version(native, o.min_version);
  if (o.max_version) {
    SSL_CTX_set_max_proto_version(native, o.max_version);
    SSL_CTX_set_security_level(native, 0);  // let OpenSSL offer TLS 1.0/1.1 at all
    SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
  }
  if (!o.ca.empty()) {
    ctx.load_verify_file(o.ca);
    ctx.set_verify_mode(net::ssl::verify_peer);
  }
  if (!o.cert.empty()) {
    ctx.use_certificate_chain_file(o.cert);
    ctx.use_private_key_file(o.key, net::ssl::context::pem);
  }
  // The session to resume is the one OpenSSL hands to the new-session callback (with TLS 1.3,
  // made from the server's ticket); none is kept in the context's cache, whose sessions are
  // marked not resumable when the context goes.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(native, [](SSL* ssl, SSL_SESSION* session) -> int {
    auto* out = static_cast<TlsResult*>(SSL_get_ex_data(ssl, result_index()));
    out->session.reset(session, SSL_SESSION_free);
    return 1;  // the reference is ours
  });
  net::ssl::stream<net::ip::tcp::socket> s(io, ctx);
  SSL_set_tlsext_host_name(s.native_handle(), o.server_name.c_str());
  if (!o.ca.empty()) SSL_set1_host(s.native_handle(), o.server_name.c_str());
  if (!o.alpn.empty()) {
    std::string wire(1, static_cast<char>(o.alpn.size()));
    wire += o.alpn;
    SSL_set_alpn_protos(s.native_handle(), reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  if (o.session) SSL_set_session(s.native_handle(), o.session);

  TlsResult r;
  SSL_set_ex_data(s.native_handle(), result_index(), &r);  // (Asio owns the app data slots)
  std::string request = o.request.empty()
                            ? "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            : o.request;
  std::string buf(64 * 1024, '\0');
  std::size_t got = 0;
  auto read_more = [&](auto& self) -> void {
    if (got == buf.size()) buf.resize(buf.size() * 2);
    s.async_read_some(net::buffer(buf.data() + got, buf.size() - got),
                      [&](boost::system::error_code ec, std::size_t n) {
                        got += n;
                        if (!ec) self(self);
                      });
  };
  s.next_layer().async_connect(
      {net::ip::make_address("127.0.0.1"), port}, [&](boost::system::error_code ec) {
        if (ec) {
          r.error = "connect: " + ec.message();
          return;
        }
        s.async_handshake(net::ssl::stream_base::client, [&](boost::system::error_code hec) {
          if (hec) {
            r.error = "handshake: " + hec.message();
            return;
          }
          r.handshake_ok = true;
          const unsigned char* proto = nullptr;
          unsigned len = 0;
          SSL_get0_alpn_selected(s.native_handle(), &proto, &len);
          r.alpn.assign(reinterpret_cast<const char*>(proto), len);
          r.resumed = SSL_session_reused(s.native_handle()) == 1;
          if (X509* peer = SSL_get1_peer_certificate(s.native_handle())) {
            char name[256] = {};
            X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
            r.subject = name;
            X509_free(peer);
          }
          net::async_write(s, net::buffer(request),
                           [&](boost::system::error_code wec, std::size_t) {
                             if (wec) {
                               r.error = "write: " + wec.message();
                               return;
                             }
                             read_more(read_more);
                           });
        });
      });
  io.run_for(std::chrono::seconds(5));
  // The exchange is over: say the connection ended cleanly, or freeing it marks its sessions
  // not resumable (OpenSSL's ssl_clear_bad_session), whatever the server did.
  SSL_set_shutdown(s.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  if (!io.stopped() && r.error.empty()) r.error = "timed out";
  r.response = buf.substr(0, got);
  return r;
}

}  // namespace conv::testing
