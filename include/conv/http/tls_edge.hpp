#pragma once

#include <memory>
#include <string>

#include "conv/http/metrics.hpp"
#include "conv/http/redirect_handler.hpp"
#include "conv/http/server.hpp"
#include "conv/tls/server_options.hpp"
#include "conv/tls/termination.hpp"

namespace conv::http {

// A role's TLS at the edge, as both roles wire it: the Termination of its HTTPS listener
// (the main port, or a port of its own beside the plain one) and the plain listener that
// redirects to it. Lifecycle as the role's Server: attach() before server.bind(), then bind(),
// start(), stop().
class TlsEdge {
 public:
  // Loads and checks the certificates; throws tls::TlsError (the role exits 2).
  TlsEdge(tls::EdgeOptions options, const ServerOptions& server, AccessLog& log,
          const ResponseIdentity& identity);
  ~TlsEdge();

  // Makes `server` speak TLS on its main port or on the HTTPS port.
  void attach(Server& server);
  // Binds the redirecting listener, if any; false (said in the event log) if it cannot.
  bool bind();
  void start();
  void stop();
  // What the role logs once listening ("HTTPS on ...").
  std::string describe(const Server& server) const;

  tls::Termination& termination() { return *termination_; }
  const std::shared_ptr<tls::Termination>& shared_termination() const { return termination_; }

 private:
  tls::EdgeOptions options_;
  std::shared_ptr<tls::Termination> termination_;
  std::size_t https_listener_ = 0;
  Metrics redirect_metrics_;
  std::unique_ptr<RedirectHandler> redirect_handler_;
  std::unique_ptr<Server> redirect_server_;
};

// Reloads `termination`'s certificates from the files `options` names and says in the event
// log, after `who` ("SIGHUP"), what came of it ("certificates reloaded", or why the old ones are
// kept). True if they were reloaded.
bool reload_certificates(tls::Termination& termination, const tls::ServerTlsOptions& options,
                         const std::string& who);

}  // namespace conv::http
