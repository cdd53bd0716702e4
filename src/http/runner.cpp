#include "conv/http/runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <system_error>

#include "conv/log/logger.hpp"

namespace conv::http {

namespace net = boost::asio;
using boost::system::error_code;

std::unique_ptr<AccessLog> open_access_log(const std::string& spec, log::Format format) {
  try {
    return AccessLog::open(spec, format);
  } catch (const std::system_error& e) {
    log::error() << "access log: " << e.what();
    return nullptr;
  }
}

bool bind_server(Server& server, const std::string& context) {
  try {
    server.bind();
    return true;
  } catch (const std::system_error& e) {
    log::error() << (context.empty() ? "" : context + ": ") << e.what();
    return false;
  }
}

std::string listening_line(const Server& server) {
  const auto ep = server.local_endpoint();
  return "listening on " + ep.address().to_string() + ":" + std::to_string(ep.port());
}

int run_until_stopped(Server& server, net::io_context& control,
                      std::chrono::milliseconds drain_timeout, SignalHooks hooks) {
  net::signal_set signals(control, SIGINT, SIGTERM, SIGHUP);
  signals.add(SIGUSR1);
  net::steady_timer drain_timer(control);
  bool draining = false;
  bool stopped = false;

  auto finish = [&] {
    stopped = true;
    signals.cancel();
    drain_timer.cancel();
    control.stop();  // the role's background work ends with the server
  };

  std::function<void(error_code, int)> on_signal = [&](error_code ec, int sig) {
    if (ec || stopped) return;
    if (sig == SIGHUP) {
      if (hooks.reload) hooks.reload();
    } else if (sig == SIGUSR1) {
      if (hooks.reopen_logs) hooks.reopen_logs();
    } else if (!draining) {
      draining = true;
      log::info() << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ": draining (up to "
                  << drain_timeout.count() << " ms)";
      if (hooks.draining) hooks.draining();
      server.shutdown(hooks.worker_draining);
      drain_timer.expires_after(drain_timeout);
      drain_timer.async_wait([&](error_code tec) {
        if (tec || stopped) return;
        log::warn() << "drain timeout: dropping " << server.open_connections() << " connection(s)";
        server.stop();
      });
    } else {
      log::warn() << "second signal: stopping now";
      server.stop();
    }
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  server.start([&control, &finish] { net::post(control, finish); });
  control.run();
  server.wait();
  log::info() << "stopped";
  return 0;
}

}  // namespace conv::http
