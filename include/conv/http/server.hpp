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

  void bind();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Starts the worker threads. `on_stopped` runs (on a worker thread) once every worker has
  // finished, after shutdown() drained or stop() stopped them.
  void start(std::function<void()> on_stopped = {});

  // Stop accepting, close idle connections, let requests in flight finish, then stop.
  void shutdown();
  // Stop now, dropping whatever is in flight.
  void stop();
  void wait();

  bool draining() const;
  std::size_t open_connections() const;
  // Connections each worker thread serves (one entry with the shared io model).
  std::vector<std::size_t> connections_per_worker() const;

 private:
  struct Worker;
  void accept_on(Worker& worker);
  void admit(Worker& worker, boost::asio::ip::tcp::socket socket);
  void serve(Worker& worker, boost::asio::ip::tcp::socket socket);  // a session on `worker`
  Worker& least_loaded(Worker& accepting);
  void hand_over(Worker& from, Worker& target, boost::asio::ip::tcp::socket socket);

  ServerOptions options_;
  std::unique_ptr<detail::ServerShared> shared_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<unsigned> running_workers_{0};
  std::function<void()> on_stopped_;
  boost::asio::ip::tcp::endpoint local_endpoint_;
};

}  // namespace conv::http
