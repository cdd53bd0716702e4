// The balancer session fuzzer's oracles (see balancer_session.cpp): what the client got and
// what the upstream got, against the request model and the upstream answer's model; the
// gauges after the exchange; the heap it held.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conv/balancer/cluster.hpp"
#include "conv/http/metrics.hpp"
#include "conv/http/server_options.hpp"
#include "memory_bound.hpp"
#include "recording_upstream.hpp"
#include "reply_model.hpp"
#include "request_model.hpp"
#include "response_stream.hpp"
#include "session_harness.hpp"

namespace conv::fuzz {

// The heap a balancer exchange may hold at once: the buffered bound and the parsed header
// (memory_bound.hpp), plus what does not depend on how the client's bytes arrive:
//  - fixed pieces: the proxy's body piece (64 KiB) and Beast's read of the upstream's head
//    (64 KiB), parsers, the forwarded head, the access log line;
//  - the upstream's answer, if scripted: up to its 64 KiB head limit, as read, as parsed and
//    as relayed (4 copies at most).
// The seed corpus peaks at 106 KiB with the limits of fuzz_server_options (bound: 212 KiB).
inline std::int64_t exchange_heap_bound(const http::ServerOptions& o, std::size_t reply_size) {
  const auto reply = static_cast<std::int64_t>(std::min<std::size_t>(reply_size, 64 * 1024));
  return buffered_bound(o) + parsed_header_bound(o) + 128 * 1024 + 4 * reply;
}

// Reads a gauge ("name value") from Prometheus text; -1 if absent.
inline std::int64_t gauge(std::string_view text, std::string_view name) {
  std::size_t at = 0;
  while ((at = text.find(name, at)) != std::string_view::npos) {
    const bool line_start = at == 0 || text[at - 1] == '\n';
    const std::size_t value = at + name.size();
    if (line_start && value < text.size() && text[value] == ' ') {
      std::int64_t v = -1;
      std::from_chars(text.data() + value + 1, text.data() + text.size(), v);
      return v;
    }
    at = value;
  }
  return -1;
}

class BalancerOracles {
 public:
  BalancerOracles(const http::ServerOptions& options, std::string_view admin_prefix,
                  std::string_view served_by)
      : options_(options),
        limits_{options.max_header_bytes, options.max_body_bytes, admin_prefix},
        served_by_(served_by) {}

  void check_exchange(std::string_view client, std::string_view received,
                      const RecordingUpstream& upstream) {
    const RequestModel model = model_requests(client, limits_);
    std::vector<StreamResponse> answers;
    const auto is_head = [&](std::size_t i) { return i < model.heads.size() && model.heads[i]; };
    const auto bad = read_responses(received, is_head, served_by_, answers);
    if (print_) print(model, answers, upstream);
    if (bad) finding("the client's stream: " + *bad);
    if (upstream.malformed) finding(*upstream.malformed);
    const bool echo = !upstream.reply.has_value();
    check_shapes(answers);
    check_upstream_received(model, upstream.received, echo);
    check_count(model, answers);
    if (echo) {
      check_pairs(model, answers, upstream.received);
    } else {
      check_reply(model, answers, *upstream.reply);
    }
  }

  void check_memory(std::int64_t peak, std::size_t reply_size) const {
    check_heap(peak, exchange_heap_bound(options_, reply_size),
               "parsed header, the proxy's buffers, the upstream's head");
  }

  template <typename Harness>
  void check_gauges(Harness& harness, const http::Metrics& metrics,
                    const balancer::UpstreamCluster& cluster) const {
    if (harness.open_connections() != 0) finding("a client connection is still counted open");
    std::string text;
    metrics.render(text);
    const auto prefix = std::string("conv_http");
    if (gauge(text, prefix + "_requests_in_flight") != 0) {
      finding("requests in flight is not 0 after the exchange");
    }
    if (gauge(text, prefix + "_connections_open") != 0) {
      finding("open connections is not 0 after the exchange");
    }
    for (const auto& u : cluster.upstreams()) {
      if (u->in_flight() != 0) finding("an upstream still counts a request in flight");
    }
    if (cluster.retry_budget().active() != 0) finding("the retry budget still counts a retry");
  }

  // Once the pools are closed, the upstream sees every connection close.
  template <typename Harness>
  void check_upstream_closed(Harness& harness, const RecordingUpstream& upstream) const {
    if (!harness.run_until([&] { return upstream.open() == 0; }, std::chrono::seconds(2))) {
      finding("an upstream connection stays open after the exchange and the pools closed");
    }
  }

 private:
  // For CONV_FUZZ_PRINT=1: what the model expects and what happened.
  static void print(const RequestModel& m, const std::vector<StreamResponse>& answers,
                    const RecordingUpstream& upstream) {
    static constexpr const char* kKinds[] = {"forwarded", "local",  "either",
                                             "refused",   "broken", "unsure"};
    std::fprintf(stderr, "--- model: %zu to %zu answers\n", m.min_answers, m.max_answers);
    for (const auto& r : m.requests) {
      std::fprintf(stderr, "  %s %s %.60s (body %zu)\n", kKinds[r.kind], r.method.c_str(),
                   r.target.c_str(), r.body.size());
    }
    std::fprintf(stderr, "--- answers:");
    for (const auto& a : answers) std::fprintf(stderr, " %u%s", a.status, a.relayed ? "r" : "");
    std::fprintf(stderr, "\n--- upstream received:\n");
    for (const auto& r : upstream.received) {
      std::fprintf(stderr, "  %s %.60s (body %zu)\n", r.method.c_str(), r.target.c_str(),
                   r.body.size());
    }
  }

  // Relayed (Via) or exactly the balancer's own shape; nothing in between.
  void check_shapes(const std::vector<StreamResponse>& answers) const {
    for (std::size_t j = 0; j < answers.size(); ++j) {
      if (!answers[j].relayed && !answers[j].own_shape) {
        finding("answer " + std::to_string(j) +
                " is neither relayed (Via) nor the balancer's own shape");
      }
    }
  }

  // One final answer per request, in order: as many as the model says.
  static void check_count(const RequestModel& m, const std::vector<StreamResponse>& answers) {
    // An upstream that breaks after the head cuts the client connection: the last answer.
    const bool cut = !answers.empty() && !answers.back().complete;
    if ((answers.size() < m.min_answers && !cut) || answers.size() > m.max_answers) {
      finding(std::to_string(answers.size()) + " answers for a model of " +
              std::to_string(m.min_answers) + " to " + std::to_string(m.max_answers));
    }
    for (std::size_t j = 0; j < answers.size() && j < m.requests.size(); ++j) {
      const auto kind = m.requests[j].kind;
      const bool own = !answers[j].relayed;
      if (kind == ModelRequest::refused && (!own || answers[j].status != 400)) {
        finding("request " + std::to_string(j) + " is refused by the validator: not a 400");
      }
      if ((kind == ModelRequest::broken || kind == ModelRequest::local) && !own) {
        finding("request " + std::to_string(j) + " must be answered by the balancer itself");
      }
    }
  }

  static bool same(const ReceivedRequest& got, const ModelRequest& want) {
    return std::string_view(got.method) == want.method &&
           std::string_view(got.target) == want.target && std::string_view(got.body) == want.body;
  }

  static bool may_forward(ModelRequest::Kind k) {
    return k == ModelRequest::forwarded || k == ModelRequest::either || k == ModelRequest::unsure;
  }

  // Every request the upstream received is one the balancer may forward: none the validator
  // refused, none after a refused or broken one, none whole of a body that breaks. In echo
  // mode they arrive in order, each once (check_pairs checks that none is missing). In reply
  // mode the upstream answers before it reads, so the balancer may be done with a request
  // before the upstream has read it: any order, each at most twice (a retry on the other
  // upstream).
  template <typename Received>
  static void check_upstream_received(const RequestModel& m, const Received& received, bool echo) {
    std::vector<unsigned> seen(m.requests.size(), 0);
    std::size_t next = 0;  // echo mode: the first model request the next record may be
    for (const auto& r : received) {
      std::size_t i = echo ? next : 0;
      while (i < m.requests.size() &&
             !(may_forward(m.requests[i].kind) && same(r, m.requests[i]) && seen[i] < 2)) {
        ++i;
      }
      if (i == m.requests.size()) {
        if (m.unsure) return;  // beyond what the model knows
        finding("the upstream received a request the balancer must not forward: " +
                std::string(r.method) + " " + std::string(r.target));
      }
      ++seen[i];
      next = i + 1;
    }
  }

  // Echo mode: relayed answer j carries the next sequence number, and the upstream's request
  // of that number is request j; every request the upstream got is answered once.
  template <typename Received>
  static void check_pairs(const RequestModel& m, const std::vector<StreamResponse>& answers,
                          const Received& received) {
    std::size_t next = 0;
    for (std::size_t j = 0; j < answers.size(); ++j) {
      const StreamResponse& a = answers[j];
      const bool modelled = j < m.requests.size();
      if (!a.relayed) {
        const bool forwarded = modelled && m.requests[j].kind == ModelRequest::forwarded;
        if (forwarded &&
            (a.status < 400 || a.status == 502 || a.status == 503 || a.status == 504)) {
          finding("answer " + std::to_string(j) + ": the balancer's own " +
                  std::to_string(a.status) + " to a request a working upstream answers");
        }
        continue;
      }
      const std::string want = std::to_string(next);
      if (!a.echo || *a.echo != want || !a.complete) {
        finding("answer " + std::to_string(j) + " carries echo " + a.echo.value_or("(none)") +
                ", expected " + want + (a.complete ? "" : " (cut off)"));
      }
      if (modelled && !same(received[next], m.requests[j])) {
        finding("answer " + std::to_string(j) + " answers another request than request " +
                std::to_string(j));
      }
      ++next;
    }
    if (next != received.size()) {
      finding("the upstream answered " + std::to_string(received.size()) +
              " requests; the client got " + std::to_string(next) + " of those answers");
    }
  }

  // Reply mode: the first request forwarded gets the upstream's answer, relayed or refused as
  // the answer's model says; a refused one never reaches the client, not a byte of it.
  static void check_reply(const RequestModel& m, const std::vector<StreamResponse>& answers,
                          std::string_view reply) {
    std::size_t f = 0;
    while (f < m.requests.size() && m.requests[f].kind == ModelRequest::local) ++f;
    if (f == m.requests.size() || m.requests[f].kind != ModelRequest::forwarded) return;
    if (f >= answers.size()) return;  // checked by the count
    const auto verdict = reply_verdict(reply, m.requests[f].head);
    if (!verdict) {
      for (const auto& a : answers) {
        if (a.relayed) finding("the upstream's answer must be refused, yet an answer is relayed");
      }
      if (answers[f].status != 502) finding("a refused upstream answer gives no 502");
      return;
    }
    if (verdict->body_malformed && !answers[f].relayed && answers[f].status == 502) return;
    if (!answers[f].relayed || answers[f].status != verdict->status) {
      finding("the upstream's " + std::to_string(verdict->status) +
              " is not relayed as such (got " + std::to_string(answers[f].status) + ")");
    }
  }

  http::ServerOptions options_;
  ModelLimits limits_;
  std::string_view served_by_;
  bool print_ = std::getenv("CONV_FUZZ_PRINT") != nullptr;
};

}  // namespace conv::fuzz
