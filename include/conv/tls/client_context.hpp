#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "conv/tls/certificate.hpp"

namespace conv::tls {

// How to connect to a TLS server: the balancer's per-upstream "tls" object, or `conv probe`'s
// --ca and --insecure.
struct ClientSettings {
  bool verify = true;            // the server's certificate chain and name; false: accept any
  std::string ca_file = {};      // trusted CAs (PEM); empty: the system's default paths
  std::string server_name = {};  // SNI and the name verified; empty: the host connected to
  std::string client_cert = {};  // a certificate to present (mTLS), with its key: both or neither
  std::string client_key = {};
  bool operator==(const ClientSettings&) const = default;
};

// A TLS connection over a socket owned elsewhere (the socket outlives it).
using ClientStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

// The TLS context of outgoing connections to one server (or one upstream): TLS 1.2 and 1.3
// only, no compression, no renegotiation, ALPN offering http/1.1, the peer's chain verified
// against `ca_file` (or the system's CAs) and its name against server_name(), a client
// certificate if configured. Immutable once built; shared by every thread that connects
// (an SSL_CTX is safe to use from many threads).
class ClientContext {
 public:
  // Reads and checks the files; throws TlsError naming the file and what is wrong.
  // `default_name`: the host connected to, verified when settings.server_name is empty.
  ClientContext(const ClientSettings& settings, const std::string& default_name);
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  const ClientSettings& settings() const { return settings_; }
  // The name sent as SNI (unless it is an IP address) and verified.
  const std::string& server_name() const { return name_; }
  boost::asio::ssl::context& native() const { return context_; }

  // A new connection's TLS stream over `socket`, with SNI and name verification set up, and
  // `resume` (may be null) offered for resumption.
  std::unique_ptr<ClientStream> stream(boost::asio::ip::tcp::socket& socket,
                                       SSL_SESSION* resume = nullptr) const;

 private:
  ClientSettings settings_;
  std::string name_;
  mutable boost::asio::ssl::context context_;
};

// Why a handshake on `ssl` failed, for logs and error bodies: "tls: certificate verify failed
// (self-signed certificate)", "tls: wrong version number"...
std::string handshake_error(SSL* ssl, const boost::system::error_code& ec);

// The session to resume a later connection with, once the server has given one (a TLS 1.3
// ticket arrives after the handshake: read with the first response); null if none yet. A copy,
// independent of the connection.
struct SessionFree {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;
SessionPtr resumable_session(SSL* ssl);

}  // namespace conv::tls
