#include "conv/tls/server_context.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

#include "conv/tls/ticket_keys.hpp"

namespace conv::tls {

namespace net = boost::asio;

namespace {

constexpr unsigned char kSessionIdContext[] = "conv";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool name_matches(std::string_view pattern, std::string_view name) {
  if (pattern == name) return true;
  // "*.example.com" covers "a.example.com", not "example.com" nor "a.b.example.com".
  if (pattern.size() < 3 || pattern.substr(0, 2) != "*.") return false;
  const auto dot = name.find('.');
  return dot != std::string_view::npos && dot > 0 && name.substr(dot) == pattern.substr(1);
}

// ALPN: http/1.1 if offered. A client offering only protocols we do not speak gets the
// no_application_protocol alert (RFC 7301 3.2), as nginx answers; one offering none is fine.
int on_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
            unsigned int inlen, void*) {
  static constexpr unsigned char kOurs[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kOurs, sizeof kOurs, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

void set_or_throw(bool ok, const std::string& what) {
  if (!ok) throw TlsError(what + ": " + openssl_error("rejected by OpenSSL"));
}

void apply_protocol(SSL_CTX* ctx, const ServerTlsOptions& o) {
  if (o.min_version != "1.2" && o.min_version != "1.3") {
    throw TlsError("min_version: expected \"1.2\" or \"1.3\", not \"" + o.min_version + "\"");
  }
  SSL_CTX_set_min_proto_version(ctx, o.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  // (OpenSSL 3 refuses renegotiation a client starts unless allowed; this refuses ours too.)
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // The server's cipher order decides (ECDHE before DHE, AES-GCM first), as HAProxy does by
  // default; a client that lists ChaCha20 first (one without AES hardware) still gets it.
  // Without an order of its own, testssl.sh rates a server "NOT ok" (tests/tls/testssl_scan).
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
  // An idle connection keeps no read or write buffer in OpenSSL (nginx does the same).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // One read(2) takes whatever has arrived (up to a record buffer), not a 5-byte record header
  // and then its body: half the reads per request. nginx sets the same.
  SSL_CTX_set_read_ahead(ctx, 1);
  set_or_throw(SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) == 1, "ciphers");
  set_or_throw(SSL_CTX_set1_groups_list(ctx, std::string(kIntermediateGroups).c_str()) == 1,
               "groups");
  SSL_CTX_set_dh_auto(ctx, 1);  // DHE: OpenSSL 3.0 picks the RFC 3526 group for the key size
  SSL_CTX_set_alpn_select_cb(ctx, on_alpn, nullptr);
}

void apply_sessions(SSL_CTX* ctx, const ServerTlsOptions& o, TicketKeys* keys) {
  SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);
  if (o.session_cache_size > 0) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, static_cast<long>(o.session_cache_size));
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  if (keys != nullptr && o.ticket_key_rotation.count() > 0) {
    keys->install(ctx);
    SSL_CTX_set_timeout(ctx, static_cast<long>(2 * o.ticket_key_rotation.count()));
  } else {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
}

void apply_client_verify(SSL_CTX* ctx, const ServerTlsOptions& o) {
  if (o.client_verify == ClientVerify::off) return;
  if (o.client_ca.empty()) throw TlsError("client_verify needs client_ca (a CA file)");
  set_or_throw(SSL_CTX_load_verify_locations(ctx, o.client_ca.c_str(), nullptr) == 1,
               "client_ca " + o.client_ca);
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca.c_str());
  set_or_throw(names != nullptr, "client_ca " + o.client_ca);
  SSL_CTX_set_client_CA_list(ctx, names);
  int mode = SSL_VERIFY_PEER;
  if (o.client_verify == ClientVerify::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
}

}  // namespace

std::shared_ptr<ServerContext> ServerContext::build(const ServerTlsOptions& options,
                                                    TicketKeys* keys,
                                                    std::chrono::system_clock::time_point now) {
  if (options.certificates.empty()) throw TlsError("no certificate");
  std::shared_ptr<ServerContext> out(new ServerContext);
  for (const auto& files : options.certificates) {
    const auto pair = CertificatePair::load(files.cert, files.key, now);
    out->infos_.push_back(pair.info());
    auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    pair.install(native);
    apply_protocol(native, options);
    apply_sessions(native, options, keys);
    apply_client_verify(native, options);
    Entry entry{std::move(ctx), {}};
    const auto& names = files.server_names.empty() ? out->infos_.back().names : files.server_names;
    for (const auto& n : names) entry.names.push_back(lower(n));
    out->entries_.push_back(std::move(entry));
  }
  SSL_CTX* first = out->entries_.front().context->native_handle();
  SSL_CTX_set_tlsext_servername_callback(first, on_server_name);
  SSL_CTX_set_tlsext_servername_arg(first, out.get());
  return out;
}

std::size_t ServerContext::index_for(std::string_view server_name) const {
  const std::string name = lower(server_name);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& names = entries_[i].names;
    if (std::find(names.begin(), names.end(), name) != names.end()) return i;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    for (const auto& pattern : entries_[i].names) {
      if (name_matches(pattern, name)) return i;
    }
  }
  return 0;
}

const CertificateInfo& ServerContext::certificate_for(const std::string& server_name) const {
  return infos_[index_for(server_name)];
}

int ServerContext::on_server_name(SSL* ssl, int*, void* arg) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return SSL_TLSEXT_ERR_NOACK;  // no SNI: the default certificate
  auto* self = static_cast<ServerContext*>(arg);
  const std::size_t i = self->index_for(name);
  if (i != 0) SSL_set_SSL_CTX(ssl, self->entries_[i].context->native_handle());
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace conv::tls
