// The balancer role's whole request path: bytes from a client on a real connection, through
// the core to the proxy (validation, header rewriting, body streaming, retries) and to a
// scripted upstream on loopback, whose answer is the second half of the input. So one input
// is both a client request and an upstream response: upstream response parsing, framing
// checks and relaying are fuzzed together with the request side.
//
// Input: CLIENT_BYTES [ "\n=upstream=\n" UPSTREAM_BYTES ]. The upstream writes its bytes on
// every connection at once, half-closes, and reads until the balancer closes.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "conv/balancer/handler.hpp"
#include "session_harness.hpp"

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
constexpr std::string_view kSeparator = "\n=upstream=\n";

// Scripted upstream on the harness's io_context.
class ScriptedUpstream {
 public:
  explicit ScriptedUpstream(net::io_context& ioc)
      : acceptor_(ioc, {net::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string reply;

 private:
  struct Conn {
    explicit Conn(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string out;
    char sink[4096];
  };
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<Conn>(std::move(s));
      c->out = reply;
      net::async_write(c->socket, net::buffer(c->out),
                       [c](boost::system::error_code wec, std::size_t) {
                         boost::system::error_code ignored;
                         if (!wec) c->socket.shutdown(tcp::socket::shutdown_send, ignored);
                         drain(c);
                       });
      accept();
    });
  }
  static void drain(std::shared_ptr<Conn> c) {
    c->socket.async_read_some(net::buffer(c->sink), [c](boost::system::error_code ec, std::size_t) {
      if (!ec) drain(c);
    });
  }
  tcp::acceptor acceptor_;
};

struct Balancer {
  Balancer() {
    for (auto& u : handler.upstreams()) {
      u->set_endpoint({net::ip::make_address("127.0.0.1"), upstream.port()});
    }
    handler.selector().refresh(conv::balancer::Upstream::Clock::now());
  }
  static conv::balancer::BalancerConfig make_config() {
    auto c = conv::balancer::default_config();
    c.name = "lb";
    c.health.enabled = false;
    c.response_timeout = conv::fuzz::kTimeout;
    c.upstreams.clear();
    for (int i = 0; i < 2; ++i) {  // two, so that retries happen
      conv::balancer::UpstreamConfig u;
      u.address = {"127.0.0.1", 1};
      u.max_fails = 0;  // never ejected: every input sees the same balancer
      c.upstreams.push_back(u);
    }
    return c;
  }
  conv::balancer::BalancerConfig config = make_config();
  conv::http::Metrics metrics{"conv_http", conv::balancer::BalancerHandler::route_names()};
  std::unique_ptr<conv::http::AccessLog> log = conv::http::AccessLog::open("/dev/null");
  conv::balancer::BalancerHandler handler{config, metrics, *log};
  conv::fuzz::SessionHarness harness{handler, metrics};
  ScriptedUpstream upstream{harness.context()};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Balancer* b = new Balancer;  // lives for the whole run
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto sep = input.find(kSeparator);
  b->upstream.reply = sep == std::string_view::npos
                          ? std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                          : std::string(input.substr(sep + kSeparator.size()));
  if (sep != std::string_view::npos) input = input.substr(0, sep);
  const auto received = b->harness.run(input);
  conv::fuzz::check_responses(input, received);
  b->handler.close_pools();  // each input starts with no pooled connection
  return 0;
}
