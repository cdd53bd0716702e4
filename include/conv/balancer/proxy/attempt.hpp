#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "conv/balancer/proxy/pool.hpp"
#include "conv/balancer/proxy/proxy.hpp"
#include "conv/balancer/proxy/upstream_log.hpp"
#include "conv/balancer/select/policy.hpp"

namespace conv::balancer {

// The upstream side of one exchange, one attempt at a time: which upstream (never one already
// tried), the connection to it (pooled, or a new socket to connect), the claim on the upstream
// (counted in flight until release()), the bytes to add to its counters, its passive health
// and what the access log gets of each attempt. The exchange drives the I/O; this keeps the
// bookkeeping of the retry loop.
class Attempt {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Start {
    no_upstream,  // none is available (that was not tried already)
    pooled,       // an idle connection was taken: send at once
    connect,      // a new socket: connect it to endpoint()
    unresolved    // the upstream has no address yet
  };
  static constexpr std::size_t kMaxTries = 20;  // retries.tries is at most 20

  explicit Attempt(ProxyContext& ctx) : ctx_(ctx) {}
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;
  ~Attempt() { release(bytes_out_noted_); }

  // Ends the previous attempt's claim, picks the next upstream and gets a connection to it.
  // Upstream sockets use the plain io_context of `executor` so that a pooled connection can
  // serve any client connection.
  Start begin(const PickKey& key, const boost::asio::any_io_executor& executor,
              Clock::time_point now);

  // Ends the claim on the upstream (in flight, connection cap) and adds the bytes relayed to
  // its counters: the request body bytes counted with sent(), and the response body bytes of
  // `body_bytes` not yet added. Idempotent.
  void release(std::uint64_t body_bytes);
  void sent(std::uint64_t n) { bytes_up_ += n; }

  // The attempt's end, for the access log: the upstream's status, or the balancer's own
  // (502, 504) for a failure.
  void record(unsigned status);
  // A failure the upstream is to blame for: counts against its passive health, and in this
  // thread's counters by `why`.
  void report_failure(FailureReason why);
  // The upstream answered `status`: this thread's counters (status class, response time)
  // and outlier ejection.
  void answered(unsigned status);
  // The access log's upstream fields (empty when the log is off).
  std::string log_text() const;

  // Keeps the TLS session of the connection, once it has a resumable one, for the next new
  // connection to the upstream on this thread (a TLS 1.2 one after the handshake, a TLS 1.3
  // ticket with the first response). Nothing for plain TCP.
  void save_session();
  // Closes the connection (a failure, or a response whose end is uncertain).
  void drop();
  // Returns the connection to the pool if it can serve another request, else closes it.
  void finish(bool reusable);

  Upstream* upstream() const { return upstream_; }
  bool has_connection() const { return conn_ != nullptr; }
  UpstreamConnection& connection() { return *conn_; }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }
  bool reused() const { return reused_; }
  std::size_t count() const { return tries_; }
  std::size_t max_count() const { return tried_.size(); }

 private:
  ProxyContext& ctx_;
  std::array<std::size_t, kMaxTries> tried_{};
  std::size_t tries_ = 0;
  Upstream* upstream_ = nullptr;  // the current attempt's (kept after release, for the log)
  Upstream* held_ = nullptr;      // upstream_ while counted in flight on it
  std::unique_ptr<UpstreamConnection> conn_;
  boost::asio::ip::tcp::endpoint endpoint_;
  bool reused_ = false;
  Clock::time_point started_;
  std::uint64_t bytes_up_ = 0;
  std::uint64_t bytes_out_noted_ = 0;
  UpstreamLog log_;
};

}  // namespace conv::balancer
