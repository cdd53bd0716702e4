// The desync scenario of issue 11, section 1, in process and deterministic: the real
// balancer (BalancerHandler, the core's Session) on one io_context, in front of the scripted
// DesyncUpstream, and clients one after another, each on a new connection with one request
// that carries a unique id (in its target and in X-Id). The property: a client gets its own
// response (relayed, with its X-Id) or an error the balancer made itself (502, 503, 504),
// and nothing else: never a response carrying another request's id, never bytes after its
// response.
//
// Use (a fuzz target, or a gtest with seeds):
//   conv::fuzz::DesyncRig rig;                       // once: it keeps its balancer
//   if (auto problem = rig.run(bytes)) FAIL() << *problem;   // bytes: desync_script.hpp
// random_desync_bytes(seed) gives a reproducible random scenario.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "conv/balancer/handler.hpp"
#include "desync_script.hpp"
#include "desync_upstream.hpp"
#include "response_stream.hpp"
#include "session_harness.hpp"

namespace conv::fuzz {

// `n` bytes from a generator seeded with `seed`: one reproducible scenario.
inline std::vector<std::uint8_t> random_desync_bytes(std::uint32_t seed, std::size_t n = 512) {
  std::mt19937 gen(seed);
  std::vector<std::uint8_t> bytes(n);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(gen());
  return bytes;
}

class DesyncRig {
 public:
  DesyncRig() {
    for (auto& u : cluster_.upstreams()) {
      u->set_endpoint({boost::asio::ip::make_address("127.0.0.1"), upstream_.port()});
    }
    cluster_.selector().refresh(balancer::Upstream::Clock::now());
    if (cluster_.upstreams().size() != 2) finding("the rig needs two upstreams");
  }

  // Runs one scenario; the first broken property, or nothing. The balancer's pools are
  // emptied afterwards, so that scenarios do not see each other.
  std::optional<std::string> run(std::span<const std::uint8_t> bytes) {
    const auto clients = decode_desync(bytes);
    std::vector<std::string> ids;
    ++scenario_;
    for (std::size_t k = 0; k < clients.size(); ++k) {
      ids.push_back("s" + std::to_string(scenario_) + "c" + std::to_string(k));
    }
    upstream_.start(clients, ids);
    align_rotation();
    std::optional<std::string> problem;
    for (std::size_t k = 0; k < clients.size() && !problem; ++k) {
      problem = run_client(clients[k], ids[k], k);
    }
    cluster_.close_pools();
    if (!harness_.run_until([&] { return upstream_.open() == 0; }, std::chrono::seconds(2))) {
      problem = problem.value_or("an upstream connection stays open after the pools closed");
    }
    return problem;
  }

 private:
  static balancer::BalancerConfig make_config() {
    auto c = balancer::default_config();
    c.name = "lb";
    c.health.enabled = false;
    // An answer that never completes is a 504 soon: the run stays well under its 4 s.
    c.response_timeout = c.connect_timeout = std::chrono::milliseconds(500);
    c.upstreams.clear();
    for (int i = 0; i < 2; ++i) {  // two: round-robin, retries; pooled per upstream
      balancer::UpstreamConfig u;
      // Distinct names (one address would be one upstream); both get the scripted port.
      u.address = {"127.0.0.1", static_cast<std::uint16_t>(1 + i)};
      u.max_fails = 0;  // never ejected
      c.upstreams.push_back(u);
    }
    return c;
  }

  // Round-robin goes on from scenario to scenario: start each at upstream 0, so that a
  // scenario plays the same alone (a reproducer) as after others (in a fuzzing run).
  void align_rotation() {
    for (int i = 0; i < 2; ++i) {
      balancer::Upstream* u = cluster_.selector().pick(balancer::Upstream::Clock::now(), {});
      if (u == nullptr) return;
      u->release();
      if (u->index() == 1) return;  // the next pick is upstream 0
    }
  }

  static std::string request(const DesyncClient& c, const std::string& id) {
    static constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "DELETE", "OPTIONS"};
    std::string r = std::string(kMethods[c.method]) + " /r/" + id +
                    " HTTP/1.1\r\nHost: upstream\r\nX-Id: " + id + "\r\n";
    if (c.client_closes) r += "Connection: close\r\n";
    if (c.method != DesyncClient::post) return r + "\r\n";
    const std::string body = "body of " + id;
    return r + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  std::optional<std::string> run_client(const DesyncClient& c, const std::string& id,
                                        std::size_t k) {
    const HarnessString received = harness_.run(request(c, id));
    const std::string who = "client " + std::to_string(k) + " (" + id + ")";
    if (auto bad = check_answer(c, id, received)) return who + ": " + *bad;
    if (upstream_.problem) return upstream_.problem;
    // Every stray of this exchange is sent before the next client connects.
    upstream_.flush_gap();
    if (!harness_.run_until([&] { return upstream_.idle(); }, std::chrono::seconds(1))) {
      return "the upstream's writes do not finish";
    }
    return std::nullopt;
  }

  static std::optional<std::string> check_answer(const DesyncClient& c, const std::string& id,
                                                 std::string_view received) {
    std::vector<StreamResponse> answers;
    const bool head = c.method == DesyncClient::head;
    if (auto bad = read_responses(
            received, [&](std::size_t) { return head; }, "fuzz", answers)) {
      return *bad;
    }
    if (answers.empty()) return std::string("no answer at all");
    if (answers.size() > 1) return std::to_string(answers.size()) + " responses to one request";
    const StreamResponse& a = answers[0];
    if (a.relayed) {
      if (a.id != id) return "got the response for X-Id " + a.id.value_or("(none)");
      return std::nullopt;
    }
    if (!a.own_shape || (a.status != 502 && a.status != 503 && a.status != 504)) {
      return "got a " + std::to_string(a.status) + " that is neither its own nor a 502/503/504";
    }
    return std::nullopt;
  }

  balancer::BalancerConfig config_ = make_config();
  http::Metrics metrics_{"conv_http", balancer::BalancerHandler::route_names()};
  std::unique_ptr<http::AccessLog> log_ = http::AccessLog::open("off");
  balancer::UpstreamCluster cluster_{config_};
  balancer::BalancerHandler handler_{config_, cluster_, metrics_, *log_};
  SessionHarness harness_{handler_, metrics_};  // its own answers say X-Served-By: fuzz
  DesyncUpstream upstream_{harness_.context()};
  std::uint64_t scenario_ = 0;
};

}  // namespace conv::fuzz
