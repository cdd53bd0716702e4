#include "conv/tls/client_context.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace conv::tls {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

void load_ca(SSL_CTX* ctx, const ClientSettings& s) {
  if (s.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      throw TlsError(openssl_error("cannot load the system's CA certificates"));
    }
    return;
  }
  if (std::FILE* f = std::fopen(s.ca_file.c_str(), "r")) {
    std::fclose(f);
  } else {
    throw TlsError("ca " + s.ca_file + ": cannot read (" + std::strerror(errno) + ")");
  }
  // A file that holds no certificate is refused here, not at the first handshake.
  if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1) {
    throw TlsError("ca " + s.ca_file + ": " + openssl_error("cannot read CA certificates"));
  }
}

void load_client_certificate(SSL_CTX* ctx, const ClientSettings& s) {
  if (s.client_cert.empty() != s.client_key.empty()) {
    throw TlsError(s.client_cert.empty() ? "client_key " + s.client_key + " needs a client_cert"
                                         : "client_cert " + s.client_cert + " needs a client_key");
  }
  if (s.client_cert.empty()) return;
  CertificatePair::load(s.client_cert, s.client_key, std::chrono::system_clock::now()).install(ctx);
}

}  // namespace

ClientContext::ClientContext(const ClientSettings& settings, const std::string& default_name)
    : settings_(settings),
      name_(settings.server_name.empty() ? default_name : settings.server_name),
      context_(ssl::context::tls_client) {
  SSL_CTX* ctx = context_.native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  static constexpr unsigned char kAlpn[] = "\x08http/1.1";
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn - 1);
  if (settings_.verify) {
    load_ca(ctx, settings_);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  load_client_certificate(ctx, settings_);
}

std::unique_ptr<ClientStream> ClientContext::stream(net::ip::tcp::socket& socket,
                                                    SSL_SESSION* resume) const {
  auto s = std::make_unique<ClientStream>(socket, context_);
  SSL* ssl = s->native_handle();
  const bool ip = is_ip_address(name_);
  if (!ip) SSL_set_tlsext_host_name(ssl, name_.c_str());  // SNI carries names only
  if (settings_.verify) {
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name_.c_str());
    } else {
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, name_.c_str());
    }
  }
  if (resume) SSL_set_session(ssl, resume);
  return s;
}

std::string handshake_error(SSL* ssl, const boost::system::error_code& ec) {
  if (ec.category() != net::error::get_ssl_category()) {
    if (ec == ssl::error::stream_truncated || ec == net::error::eof) {
      return "tls: the server closed the connection during the handshake";
    }
    return "tls: " + ec.message();
  }
  const auto code = static_cast<unsigned long>(ec.value());
  const char* reason = ERR_reason_error_string(code);
  std::string text = "tls: " + std::string(reason ? reason : ec.message());
  const long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (ERR_GET_REASON(code) == SSL_R_CERTIFICATE_VERIFY_FAILED && verify != X509_V_OK) {
    text += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
  }
  return text;
}

SessionPtr resumable_session(SSL* ssl) {
  SSL_SESSION* s = SSL_get0_session(ssl);
  if (!s || SSL_SESSION_is_resumable(s) != 1) return nullptr;
  // A copy: OpenSSL marks a connection's own session not resumable when the connection is
  // freed without a shutdown (as a pooled one that is dropped is), and the copy must outlive
  // it.
  return SessionPtr(SSL_SESSION_dup(s));
}

}  // namespace conv::tls
