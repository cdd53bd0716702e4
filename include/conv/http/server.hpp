#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"
#include "conv/http/server_options.hpp"

namespace conv::tls {
class Termination;
}

namespace conv::http {

namespace detail {
class ConnectionRegistry;
struct ServerShared;
}  // namespace detail

// The HTTP/1.1 server both roles run on: listeners, worker threads, connections, limits and
// graceful shutdown. It hands each parsed request to the role's Handler.
//
// Lifecycle: construct, bind() (throws std::system_error), start(), then from any thread
// shutdown() to drain gracefully or stop() to drop everything; wait() joins the threads.
// `handler`, `metrics` and `log` must outlive the server.
class Server {
 public:
  Server(ServerOptions options, Handler& handler, Metrics& metrics, AccessLog& log,
         ResponseIdentity identity);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The main listener (options.host:port) speaks TLS with `tls`; call before bind().
  void set_tls(std::shared_ptr<tls::Termination> tls);
  // One more address to serve the same handler on (an HTTPS port beside the plain one), TLS if
  // `tls` is set; call before bind(). Returns its index for local_endpoint() (the main one is 0).
  std::size_t add_listener(std::string host, std::uint16_t port,
                           std::shared_ptr<tls::Termination> tls);

  void bind();
  boost::asio::ip::tcp::endpoint local_endpoint(std::size_t listener = 0) const;

  // Starts the worker threads. `on_stopped` runs (on a worker thread) once every worker has
  // finished, after shutdown() drained or stop() stopped them.
  void start(std::function<void()> on_stopped = {});

  // Stop accepting, close idle connections, let requests in flight finish, then stop.
  // `on_worker` runs on each worker's thread once it stops accepting (once in the shared
  // I/O model, where the workers are one).
  void shutdown(std::function<void()> on_worker = {});
  // Stop now, dropping whatever is in flight.
  void stop();
  void wait();

  const ServerOptions& options() const { return options_; }
  bool draining() const;
  std::size_t open_connections() const;
  // Connections each worker thread serves (one entry with the shared io model).
  std::vector<std::size_t> connections_per_worker() const;

 private:
  struct Worker;
  struct Listener {
    std::string host;
    std::uint16_t port;
    std::shared_ptr<tls::Termination> tls;
    boost::asio::ip::tcp::endpoint bound;
  };
  void bind_listener(Listener& listener, std::size_t index);
  void accept_on(Worker& worker, std::size_t listener);
  void admit(Worker& worker, boost::asio::ip::tcp::socket socket, std::size_t listener);
  // A session on `worker`.
  void serve(Worker& worker, boost::asio::ip::tcp::socket socket, std::size_t listener);
  Worker& least_loaded(Worker& accepting);
  void hand_over(Worker& from, Worker& target, boost::asio::ip::tcp::socket socket,
                 std::size_t listener);

  ServerOptions options_;
  std::unique_ptr<detail::ServerShared> shared_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<unsigned> running_workers_{0};
  std::function<void()> on_stopped_;
  std::vector<Listener> listeners_;
};

}  // namespace conv::http
