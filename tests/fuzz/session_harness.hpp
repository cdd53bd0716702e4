// Shared by the session fuzzers: the real core (Session, Beast's parser, the validator, the
// limits, the response writer, the access log) on one io_context run by the fuzzer's thread,
// so each input is handled deterministically. A client socket on loopback writes the input,
// half-closes, and reads everything the server answers until the server closes.
//
// Besides what came back, each run leaves what the oracles need: the peak heap the code under
// test held (HeapMeter), and the server's gauges once the connection has ended.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "conv/http/access_log.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/metrics.hpp"
#include "conv/http/session.hpp"
#include "heap_meter.hpp"

namespace conv::fuzz {

namespace net = boost::asio;
using tcp = net::ip::tcp;

inline constexpr std::chrono::milliseconds kTimeout{5000};

inline http::ServerOptions fuzz_server_options() {
  http::ServerOptions o;
  o.max_header_bytes = 4096;  // small limits, so that inputs reach them
  o.max_body_bytes = 4096;
  // No timeout may fire for an input: the client half-closes at once (and the balancer's
  // scripted upstream too), so a timer that fires means something waited for bytes that can
  // never come. run() reports that before any timeout could fire.
  o.header_timeout = o.body_timeout = o.idle_timeout = o.write_timeout = kTimeout;
  return o;
}

// Prints a finding and aborts (libFuzzer keeps the input as a crash reproducer).
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what.c_str());
  std::abort();
}

// The session fuzzers' input language, so that a short input can stand for a long stream:
// "\xff\xff" C K is the byte C repeated (K + 1) * 1024 times (up to 256 KiB), within a budget
// of kMaxExpanded repeated bytes per input: enough to be many times any bound the oracles
// check. Every other byte is itself.
inline constexpr std::size_t kMaxExpanded = 1 << 20;
inline HarnessString expand_input(std::string_view in) {
  constexpr std::size_t unit = 1024;
  HarnessString out;
  std::size_t budget = kMaxExpanded;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i + 3 < in.size() && in[i] == '\xff' && in[i + 1] == '\xff') {
      const std::size_t n =
          std::min<std::size_t>((static_cast<unsigned char>(in[i + 3]) + 1u) * unit, budget);
      out.append(n, in[i + 2]);
      budget -= n;
      i += 3;
      continue;
    }
    out += in[i];
  }
  return out;
}

class SessionHarness {
 public:
  SessionHarness(http::Handler& handler, http::Metrics& metrics,
                 http::ServerOptions options = fuzz_server_options())
      : shared_{options, handler, metrics, *log_, {"fuzz"}, std::chrono::milliseconds(100)} {
    HeapMeter::enable();
  }

  net::io_context& context() { return ioc_; }
  const http::ServerOptions& options() const { return shared_.options; }
  // Connections the server has open (sessions alive, and registered).
  std::size_t open_connections() const { return shared_.connections.load() + registry_.size(); }
  // The most heap the run held at once beyond what was held before it (0 without the hooks).
  std::int64_t peak_heap_growth() const { return peak_growth_; }

  // Handles one connection that sends `input` and half-closes; returns what came back. An
  // exchange still open after 4 s is run once more: the same input stuck again is a finding
  // (something waits for a timeout); done at once the second time, the machine stalled.
  HarnessString run(std::string_view input) {
    bool stuck = false;
    HarnessString received = run_once(input, stuck);
    if (!stuck) return received;
    std::fprintf(stderr, "fuzz: an exchange did not end within 4 s; running it again\n");
    received = run_once(input, stuck);
    if (stuck) finding("the exchange did not end within 4 s: it waits for a timeout");
    return received;
  }

  // Runs the io_context until `done()` or `limit` has passed; returns done().
  template <typename Done>
  bool run_until(Done done, std::chrono::milliseconds limit) {
    ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      ioc_.run_one_for(std::chrono::milliseconds(10));
    }
    return done();
  }

 private:
  HarnessString run_once(std::string_view input, bool& stuck) {
    stuck = false;
    tcp::socket client(ioc_);
    tcp::socket server(ioc_);
    connect_pair(client, server);
    HarnessString received;
    // The access log's buffers are the process's, bounded on their own and kept at the size
    // they grew to (access_log.cpp): emptied before each exchange, this one's lines fit.
    log_->flush();
    HeapMeter meter;
    meter.start();
    shared_.connections.fetch_add(1);
    std::make_shared<http::detail::Session>(std::move(server), shared_, registry_)->start();

    bool written = false, read_done = false;
    net::async_write(client, net::buffer(input.data(), input.size()),
                     [&](boost::system::error_code ec, std::size_t) {
                       written = true;
                       boost::system::error_code ignored;
                       if (!ec) client.shutdown(tcp::socket::shutdown_send, ignored);
                     });
    net::async_read(client, net::dynamic_buffer(received),
                    [&](boost::system::error_code, std::size_t) { read_done = true; });
    const auto ended = [&] { return written && read_done && shared_.connections.load() == 0; };
    if (!run_until(ended, kTimeout - std::chrono::seconds(1))) {
      stuck = true;
      std::fprintf(stderr, "fuzz: stuck: written %d, read %d (%zu bytes), connections %zu\n",
                   written, read_done, received.size(), shared_.connections.load());
      // The client's handlers refer to these locals: let them finish (aborted) before return.
      boost::system::error_code ignored;
      client.close(ignored);
      if (!run_until([&] { return written && read_done; }, std::chrono::seconds(1))) std::abort();
    }
    peak_growth_ = meter.peak_growth();
    return received;
  }

  // A client connection and the server's end of it, made on the io_context: a blocking
  // connect that libFuzzer's timer signal interrupts leaves a connection behind in the
  // backlog, and the next accept would hand the server another client's socket.
  void connect_pair(tcp::socket& client, tcp::socket& server) {
    boost::system::error_code connect_ec, accept_ec;
    bool connected = false;
    client.async_connect(acceptor_.local_endpoint(), [&](boost::system::error_code ec) {
      connect_ec = ec;
      connected = true;
    });
    for (int stale = 0; stale < 100; ++stale) {
      bool accepted = false;
      acceptor_.async_accept(server, [&](boost::system::error_code ec) {
        accept_ec = ec;
        accepted = true;
      });
      if (!run_until([&] { return connected && accepted; }, std::chrono::seconds(2)) ||
          connect_ec || accept_ec) {
        finding("loopback connection failed: " + (connect_ec ? connect_ec : accept_ec).message());
      }
      boost::system::error_code e1, e2;
      if (server.remote_endpoint(e1) == client.local_endpoint(e2) && !e1 && !e2) return;
      server.close(e1);  // someone else's: an earlier client that is gone
    }
    finding("loopback connection: the accepted socket is never the client's");
  }

  net::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_, {net::ip::make_address("127.0.0.1"), 0}};
  // A real log file, so that every line is formatted and escaped; /dev/null keeps it small.
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("/dev/null");
  http::detail::ServerShared shared_;
  http::detail::ConnectionRegistry registry_;
  std::int64_t peak_growth_ = 0;
};

// The first answer starts with a status line. CONV_FUZZ_PRINT=1 prints what came back (to
// see what a reproducer does: fuzz_x -runs=1 FILE).
inline void check_responses(std::string_view input, std::string_view received) {
  static const bool print = std::getenv("CONV_FUZZ_PRINT") != nullptr;
  if (print)
    std::fprintf(stderr, "--- answer:\n%.*s\n---\n", int(received.size()), received.data());
  if (!input.empty() && !received.empty() && !received.starts_with("HTTP/1.")) {
    finding("the answer does not start with a status line");
  }
}

}  // namespace conv::fuzz
