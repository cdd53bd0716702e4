#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "conv/tls/certificate.hpp"
#include "conv/tls/server_options.hpp"

namespace conv::tls {

class TicketKeys;

// The OpenSSL contexts of a TLS listener, built once from its options and never changed: one
// per certificate, the first the default. A client's SNI name picks the certificate (exact
// names, then "*.example.com" wildcards); ALPN selects http/1.1. A reload builds a new
// ServerContext; connections keep the one they started with.
class ServerContext {
 public:
  // Checks every file and builds the contexts; throws TlsError naming the file and reason.
  // `keys` (session tickets) may be null, and must outlive the contexts.
  static std::shared_ptr<ServerContext> build(const ServerTlsOptions& options, TicketKeys* keys,
                                              std::chrono::system_clock::time_point now);

  // The context a connection starts on (the default certificate's).
  // (The contexts are OpenSSL's, safe to share between connections and threads.)
  boost::asio::ssl::context& initial() const { return *entries_.front().context; }
  const std::vector<CertificateInfo>& certificates() const { return infos_; }
  // The certificate chosen for `server_name` (the default if none matches); for tests.
  const CertificateInfo& certificate_for(const std::string& server_name) const;

 private:
  struct Entry {
    std::unique_ptr<boost::asio::ssl::context> context;
    std::vector<std::string> names;  // lower case; "*.x" matches one label
  };
  ServerContext() = default;
  std::size_t index_for(std::string_view server_name) const;
  static int on_server_name(struct ssl_st* ssl, int* alert, void* arg);

  std::vector<Entry> entries_;
  std::vector<CertificateInfo> infos_;
};

}  // namespace conv::tls
