// Shared by the session fuzzers: the real core (Session, Beast's parser, the validator, the
// limits, the response writer, the access log) on one io_context run by the fuzzer's thread,
// so each input is handled deterministically. A client socket on loopback writes the input,
// half-closes, and reads everything the server answers until the server closes.
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

class SessionHarness {
 public:
  SessionHarness(http::Handler& handler, http::Metrics& metrics,
                 http::ServerOptions options = fuzz_server_options())
      : shared_{options, handler, metrics, *log_, {"fuzz"}, std::chrono::milliseconds(100)} {}

  net::io_context& context() { return ioc_; }

  // Handles one connection that sends `input` and half-closes; returns what came back. An
  // exchange still open after 4 s is run once more: the same input stuck again is a finding
  // (something waits for a timeout); done at once the second time, the machine stalled (a
  // run on this 2-core CI machine saw that once in 56,000 inputs and never again).
  std::string run(std::string_view input) {
    bool stuck = false;
    std::string received = run_once(input, stuck);
    if (!stuck) return received;
    std::fprintf(stderr, "fuzz: an exchange did not end within 4 s; running it again\n");
    received = run_once(input, stuck);
    if (stuck) {
      std::fprintf(stderr, "fuzz: the exchange did not end within 4 s: it waits for a timeout\n");
      std::abort();
    }
    return received;
  }

 private:
  std::string run_once(std::string_view input, bool& stuck) {
    stuck = false;
    tcp::socket client(ioc_);
    tcp::socket server(ioc_);
    // Blocking calls: libFuzzer's timeout alarm (SIGALRM) may interrupt them; retry then.
    retry_interrupted([&](boost::system::error_code& ec) {
      client.close(ec);
      client.connect(acceptor_.local_endpoint(), ec);
    });
    retry_interrupted([&](boost::system::error_code& ec) { acceptor_.accept(server, ec); });
    shared_.connections.fetch_add(1);
    std::make_shared<http::detail::Session>(std::move(server), shared_, registry_)->start();

    std::string received;
    bool written = false, read_done = false;
    net::async_write(client, net::buffer(input.data(), input.size()),
                     [&](boost::system::error_code ec, std::size_t) {
                       written = true;
                       boost::system::error_code ignored;
                       if (!ec) client.shutdown(tcp::socket::shutdown_send, ignored);
                     });
    net::async_read(client, net::dynamic_buffer(received),
                    [&](boost::system::error_code, std::size_t) { read_done = true; });
    ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + kTimeout - std::chrono::seconds(1);
    while (!(written && read_done && shared_.connections.load() == 0)) {
      if (std::chrono::steady_clock::now() > deadline) {
        stuck = true;
        break;
      }
      ioc_.run_one_for(std::chrono::milliseconds(100));
    }
    if (stuck) {
      // The client's handlers refer to these locals: let them finish (aborted) before return.
      boost::system::error_code ignored;
      client.close(ignored);
      for (int i = 0; i < 100 && !(written && read_done); ++i) {
        ioc_.run_one_for(std::chrono::milliseconds(10));
      }
      if (!(written && read_done)) std::abort();
    }
    return received;
  }

  template <typename Call>
  static void retry_interrupted(Call call) {
    boost::system::error_code ec;
    for (int i = 0; i < 100; ++i) {
      call(ec);
      if (ec != net::error::interrupted) break;
    }
    if (ec) {
      std::fprintf(stderr, "fuzz: loopback connection failed: %s\n", ec.message().c_str());
      std::abort();
    }
  }

  net::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_, {net::ip::make_address("127.0.0.1"), 0}};
  // A real log file, so that every line is formatted and escaped; /dev/null keeps it small.
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("/dev/null");
  http::detail::ServerShared shared_;
  http::detail::ConnectionRegistry registry_;
};

// The first answer starts with a status line. CONV_FUZZ_PRINT=1 prints what came back (to
// see what a reproducer does: fuzz_x -runs=1 FILE).
inline void check_responses(std::string_view input, std::string_view received) {
  static const bool print = std::getenv("CONV_FUZZ_PRINT") != nullptr;
  if (print)
    std::fprintf(stderr, "--- answer:\n%.*s\n---\n", int(received.size()), received.data());
  if (!input.empty() && !received.empty() && !received.starts_with("HTTP/1.")) std::abort();
}

}  // namespace conv::fuzz
