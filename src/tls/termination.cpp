#include "conv/tls/termination.hpp"

namespace conv::tls {

Termination::Termination(ServerTlsOptions options)
    : options_(std::move(options)), keys_(options_.ticket_key_rotation) {
  current_.publish(ServerContext::build(options_, &keys_, std::chrono::system_clock::now()));
  if (options_.hsts_max_age.count() > 0) {
    hsts_ = "Strict-Transport-Security: max-age=" + std::to_string(options_.hsts_max_age.count()) +
            "\r\n";
  }
}

std::optional<std::string> Termination::reload(const ServerTlsOptions& options) {
  try {
    // The protocol settings stay as started (the contexts of a running listener change only
    // their certificates); the files are the new options'.
    ServerTlsOptions next = options_;
    next.certificates = options.certificates;
    next.client_ca = options.client_ca;
    current_.publish(ServerContext::build(next, &keys_, std::chrono::system_clock::now()));
    reloads_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  } catch (const TlsError& e) {
    return std::string(e.what());
  }
}

}  // namespace conv::tls
