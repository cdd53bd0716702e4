#include "conv/http/tls_edge.hpp"

#include "conv/http/runner.hpp"

namespace conv::http {

TlsEdge::TlsEdge(tls::EdgeOptions options, const ServerOptions& server, AccessLog& log,
                 const ResponseIdentity& identity)
    : options_(std::move(options)),
      termination_(std::make_shared<tls::Termination>(options_.tls)),
      redirect_metrics_("conv_redirect_http", RedirectHandler::route_names()) {
  if (options_.redirect_port == 0) return;
  const std::uint16_t https_port = options_.port != 0 ? options_.port : server.port;
  redirect_handler_ = std::make_unique<RedirectHandler>(https_port);
  ServerOptions plain = server;
  plain.port = options_.redirect_port;
  plain.threads = 1;
  redirect_server_ =
      std::make_unique<Server>(plain, *redirect_handler_, redirect_metrics_, log, identity);
}

TlsEdge::~TlsEdge() {
  stop();
}

void TlsEdge::attach(Server& server) {
  if (options_.port == 0) {
    server.set_tls(termination_);
    https_listener_ = 0;
  } else {
    https_listener_ = server.add_listener(server.options().host, options_.port, termination_);
  }
}

bool TlsEdge::bind() {
  return !redirect_server_ || bind_server(*redirect_server_, "redirect");
}

void TlsEdge::start() {
  if (redirect_server_) redirect_server_->start();
}

void TlsEdge::stop() {
  if (!redirect_server_) return;
  redirect_server_->stop();
  redirect_server_->wait();
}

bool reload_certificates(tls::Termination& termination, const tls::ServerTlsOptions& options,
                         const std::string& who) {
  if (auto error = termination.reload(options)) {
    log::error() << who << ": TLS certificates not reloaded, keeping the old ones: " << *error;
    return false;
  }
  log::info() << who << ": TLS certificates reloaded";
  return true;
}

std::string TlsEdge::describe(const Server& server) const {
  const auto ep = server.local_endpoint(https_listener_);
  std::string out = "HTTPS on " + ep.address().to_string() + ":" + std::to_string(ep.port()) +
                    " (" + std::to_string(termination_->current()->certificates().size()) +
                    " certificate(s))";
  if (redirect_server_) {
    const auto r = redirect_server_->local_endpoint();
    out += "; redirecting http on " + r.address().to_string() + ":" + std::to_string(r.port());
  }
  return out;
}

}  // namespace conv::http
