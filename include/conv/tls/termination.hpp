#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "conv/tls/handshake_stats.hpp"
#include "conv/tls/server_context.hpp"
#include "conv/tls/server_options.hpp"
#include "conv/tls/ticket_keys.hpp"
#include "conv/util/published.hpp"

namespace conv::tls {

// TLS termination for a listener: its options, the contexts connections start on now, the
// session ticket keys and the handshake counts. reload() reads the certificate files again
// and swaps the contexts in for new connections; connections (and handshakes) under way keep
// theirs, so none is dropped; a file that does not load keeps the old contexts.
class Termination {
 public:
  // Builds the contexts; throws TlsError (a start-up error: exit 2).
  explicit Termination(ServerTlsOptions options);

  // The contexts for a new connection (from any thread; no lock but after a reload).
  std::shared_ptr<const ServerContext> current() const { return current_.current_shared(); }
  // Reloads the certificate files named by `options` (the new ones, if a config reload
  // changed them). Returns the error that kept the old contexts, if any.
  std::optional<std::string> reload(const ServerTlsOptions& options);

  const ServerTlsOptions& options() const { return options_; }
  HandshakeStats& stats() { return stats_; }
  const HandshakeStats& stats() const { return stats_; }
  // "Strict-Transport-Security: max-age=N\r\n", or empty.
  const std::string& hsts_header() const { return hsts_; }
  std::uint64_t reloads() const { return reloads_.load(std::memory_order_relaxed); }

 private:
  ServerTlsOptions options_;
  TicketKeys keys_;
  util::Published<ServerContext> current_;
  HandshakeStats stats_;
  std::string hsts_;
  std::atomic<std::uint64_t> reloads_{0};
};

}  // namespace conv::tls
