// The balancer role's whole request path: bytes from a client on a real connection, through
// the core to the proxy (validation, header rewriting, body streaming, retries) and to a
// scripted upstream on loopback that records what it receives.
//
// Input: CLIENT_BYTES [ "\n=upstream=\n" UPSTREAM_BYTES ], each in the session fuzzers'
// language ("\xff\xff" C K: C repeated, see session_harness.hpp). With the second half the
// upstream writes it on every connection at once and half-closes (reply mode: upstream
// response parsing, framing checks and relaying are fuzzed with the request side); without it
// the upstream answers each request with its sequence number (echo mode).
//
// Oracles, besides "no crash, no sanitizer report" (balancer_oracles.hpp):
//  - every answer is either relayed (it has the Via the balancer adds) or exactly the shape of
//    the balancer's own answers; answers come one per request, in order (request_model.hpp);
//  - what the upstream receives parses, and is only requests the balancer may forward: none
//    that the validator refuses, none after a refused or broken one, none whole of a body
//    that breaks; in echo mode each exactly once, and each answer goes to the request that
//    caused it;
//  - an upstream answer the balancer must refuse (reply_model.hpp) is refused with a 502 and
//    no byte of it reaches the client; one it must relay is relayed with its status;
//  - requests in flight and open connections (client side, upstream side) are back to zero;
//  - the heap the exchange holds at once stays under a bound from the configured limits.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "balancer_oracles.hpp"
#include "conv/balancer/handler.hpp"
#include "recording_upstream.hpp"
#include "session_harness.hpp"

namespace {

namespace net = boost::asio;
constexpr std::string_view kSeparator = "\n=upstream=\n";

struct Balancer {
  Balancer() {
    for (auto& u : cluster.upstreams()) {
      u->set_endpoint({net::ip::make_address("127.0.0.1"), upstream.port()});
    }
    cluster.selector().refresh(conv::balancer::Upstream::Clock::now());
    if (cluster.upstreams().size() != 2) conv::fuzz::finding("the harness needs two upstreams");
    warm_up();
  }
  static conv::balancer::BalancerConfig make_config() {
    auto c = conv::balancer::default_config();
    c.name = "lb";
    c.health.enabled = false;
    c.response_timeout = conv::fuzz::kTimeout;
    c.upstreams.clear();
    for (int i = 0; i < 2; ++i) {  // two, so that retries happen
      conv::balancer::UpstreamConfig u;
      // Distinct names (one address would be one upstream); both get the scripted port.
      u.address = {"127.0.0.1", static_cast<std::uint16_t>(1 + i)};
      u.max_fails = 0;  // never ejected: every input sees the same balancer
      c.upstreams.push_back(u);
    }
    return c;
  }
  // One of each kind of exchange first, so that what is allocated once per process (metrics
  // and pool slots of the thread, the allocators' caches) is not in the first input's peak.
  void warm_up() {
    harness.run(
        "GET /w HTTP/1.1\r\nHost: w\r\n\r\nHEAD /w HTTP/1.1\r\nHost: w\r\n\r\n"
        "POST /w HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        "GET /_conv/metrics HTTP/1.1\r\nHost: w\r\n\r\n");
    cluster.close_pools();
    upstream.reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    harness.run("GET /w HTTP/1.1\r\nHost: w\r\n\r\n");
    upstream.reply.reset();
    cluster.close_pools();
    harness.run_until([&] { return upstream.open() == 0; }, std::chrono::seconds(2));
    upstream.clear();
  }
  conv::balancer::BalancerConfig config = make_config();
  conv::http::Metrics metrics{"conv_http", conv::balancer::BalancerHandler::route_names()};
  std::unique_ptr<conv::http::AccessLog> log = conv::http::AccessLog::open("/dev/null");
  conv::balancer::UpstreamCluster cluster{config};
  conv::balancer::BalancerHandler handler{config, cluster, metrics, *log};
  conv::fuzz::SessionHarness harness{handler, metrics};
  conv::fuzz::RecordingUpstream upstream{harness.context()};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  conv::fuzz::HeapMeter::enable();  // before the balancer's threads start
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Balancer* b = new Balancer;  // lives for the whole run
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto sep = input.find(kSeparator);
  b->upstream.clear();
  b->upstream.reply.reset();
  if (sep != std::string_view::npos) {
    b->upstream.reply = conv::fuzz::expand_input(input.substr(sep + kSeparator.size()));
  }
  const auto client = conv::fuzz::expand_input(input.substr(0, sep));
  b->log->flush();  // its buffers' room is the process's, not this exchange's (see the harness)
  const auto received = b->harness.run(client);
  conv::fuzz::check_responses(client, received);

  conv::fuzz::BalancerOracles oracles{b->harness.options(), b->config.admin_prefix, "fuzz"};
  oracles.check_gauges(b->harness, b->metrics, b->cluster);
  b->cluster.close_pools();  // each input starts with no pooled connection
  // Once every upstream connection is closed, the upstream has read all it was sent.
  oracles.check_upstream_closed(b->harness, b->upstream);
  oracles.check_exchange(client, received, b->upstream);
  oracles.check_memory(b->harness.peak_heap_growth(),
                       b->upstream.reply ? b->upstream.reply->size() : 0);
  return 0;
}
