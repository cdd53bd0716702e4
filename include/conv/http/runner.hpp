#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "conv/http/server.hpp"

namespace conv::http {

// What a role does on the process signals it cares about. Each runs on the main thread.
struct SignalHooks {
  std::function<void()> reload;       // SIGHUP
  std::function<void()> reopen_logs;  // SIGUSR1
  std::function<void()> draining;     // first SIGTERM/SIGINT, before the server drains
  // Then on each worker thread as it starts draining (once in the shared I/O model): what the
  // role keeps per thread that would hold the drain up, such as idle upstream connections.
  std::function<void()> worker_draining;
};

// Start-up steps both roles share. Each says in the event log (conv/log/logger.hpp) what went
// wrong.
// Opens the access log ("-", "off" or a path) writing lines of `format`; null if it cannot be
// opened.
std::unique_ptr<AccessLog> open_access_log(const std::string& spec, log::Format format);
// Binds the server's listeners; false if it cannot. `context` ("admin") starts the message.
bool bind_server(Server& server, const std::string& context = {});
// "listening on ADDR:PORT", the event scripts wait for (they read the port from it).
std::string listening_line(const Server& server);

// Runs a bound server until it is told to stop, running `control` (the role's own
// background work: health checks, resolution) on the calling (main) thread:
//   SIGTERM/SIGINT: graceful shutdown (stop accepting, finish requests in flight, close idle
//     connections); if that takes longer than `drain_timeout`, or a second signal comes, the
//     rest is dropped. Either way the function returns 0.
//   SIGHUP, SIGUSR1: the hooks.
// It says each step in the event log.
int run_until_stopped(Server& server, boost::asio::io_context& control,
                      std::chrono::milliseconds drain_timeout, SignalHooks hooks);

}  // namespace conv::http
