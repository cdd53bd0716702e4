// What the balancer must do with a client's bytes, computed apart from the server: Beast's
// parser on the whole input at once (the server sees it in pieces), the same request
// validator, and the balancer's rules for what it answers itself. The model stops at the
// first request that ends the connection, and where it cannot be sure what the server does
// (limits the core may count differently, features a fix may start to refuse): it claims
// nothing beyond that point.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conv/http/request_validator.hpp"

namespace conv::fuzz {

struct ModelRequest {
  enum Kind {
    forwarded,  // must reach the upstream, once (retries aside), and its answer the client
    local,      // answered by the balancer itself (a target that is not a path)
    either,     // under the admin prefix: answered locally today; a fix may forward it
    refused,    // the validator refuses it: a 400 from the balancer, nothing forwarded
    broken,     // its body breaks a rule (malformed, over the limit): a 4xx from the
                // balancer; the upstream may see a part of it, never the whole
    unsure,     // the model cannot tell (a limit counted differently, an upgrade): last one
  };
  Kind kind = forwarded;
  std::string method, target, body;  // body: decoded
  bool head = false;
};

struct RequestModel {
  std::vector<ModelRequest> requests;  // complete requests the server reads, in order
  // Whether each request the input holds is a HEAD, beyond what the model claims (to read
  // the answers: a response to HEAD has no body).
  std::vector<bool> heads;
  // Final answers the client must get, at least and at most (interim 100s aside).
  std::size_t min_answers = 0;
  std::size_t max_answers = 0;
  bool unsure = false;  // the last request is `unsure`: nothing is claimed after it
};

struct ModelLimits {
  std::size_t max_header_bytes;
  std::uint64_t max_body_bytes;
  std::string_view admin_prefix;
};

namespace model_detail {

namespace bhttp = boost::beast::http;
using Parser = bhttp::request_parser<bhttp::string_body>;

inline bool under_prefix(std::string_view target, std::string_view prefix) {
  return target.starts_with(prefix) &&
         (target.size() == prefix.size() || target[prefix.size()] == '/' ||
          target[prefix.size()] == '?');
}

// Fields a fix of issue 11 may start to refuse (Host syntax, many Connection tokens, an
// upgrade): the model does not guess the answer to those.
inline bool open_question(const http::RequestHeader& h) {
  for (const auto& f : h) {
    const std::string_view v = f.value();
    if (f.name() == bhttp::field::upgrade) return true;
    if (f.name() == bhttp::field::connection && v.size() > 64) return true;
    if (f.name() == bhttp::field::host) {
      for (char c : v) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
        if (!ok) return true;
      }
    }
  }
  return false;
}

// Feeds `in` from `used` until the header (and with `whole`, the message) is complete.
// Returns the error, need_more if the input ends first. Beast throws length_error for a
// field over 64 KiB (a trailer can be one): that is an error here too.
inline boost::system::error_code feed(Parser& p, std::string_view in, std::size_t& used,
                                      bool whole) {
  boost::system::error_code ec;
  try {
    while (whole ? !p.is_done() : !p.is_header_done()) {
      const std::size_t n = p.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
      used += n;
      if (ec) return ec;
      if (n == 0) return bhttp::error::need_more;
    }
  } catch (const std::length_error&) {
    return bhttp::error::bad_field;
  }
  return {};
}

inline ModelRequest::Kind classify(const Parser& p, std::string_view raw, std::size_t overhead,
                                   bool refused, const ModelLimits& limits) {
  const auto& h = p.get().base();
  // The header limit: Beast counts the request line and the fields apart, a fix counts the
  // whole block (and trailers, and chunk-size lines): only clear cases are modelled.
  if (raw.size() > limits.max_header_bytes || overhead > 1024 ||
      raw.size() + overhead > limits.max_header_bytes) {
    return ModelRequest::unsure;
  }
  if (refused) return ModelRequest::refused;
  if (open_question(h)) return ModelRequest::unsure;
  const std::string_view target = h.target();
  if (under_prefix(target, limits.admin_prefix)) return ModelRequest::either;
  const bool asterisk = target == "*" && h.method() == bhttp::verb::options;
  if (target.empty() || (target.front() != '/' && !asterisk)) return ModelRequest::local;
  return ModelRequest::forwarded;
}

}  // namespace model_detail

// Whether each request in `input` is a HEAD, as far as the requests parse.
// (A body over `max_body` ends them: the server refuses it and closes.)
inline std::vector<bool> request_heads(std::string_view input, std::uint64_t max_body) {
  using namespace model_detail;
  std::vector<bool> heads;
  std::size_t pos = 0;
  for (;;) {
    while (pos < input.size() && (input[pos] == '\r' || input[pos] == '\n')) ++pos;
    Parser p;
    p.header_limit(1 << 20);
    p.body_limit(max_body);
    std::size_t used = pos;
    if (pos == input.size() || feed(p, input, used, true)) return heads;
    heads.push_back(p.get().method() == bhttp::verb::head);
    pos = used;
  }
}

// The model of `input` (one client connection's bytes, then EOF).
inline RequestModel model_requests(std::string_view input, const ModelLimits& limits) {
  using namespace model_detail;
  RequestModel m;
  m.heads = request_heads(input, limits.max_body_bytes);
  std::size_t pos = 0;
  for (;;) {
    while (pos < input.size() && (input[pos] == '\r' || input[pos] == '\n')) ++pos;
    if (pos == input.size()) break;  // EOF between requests: a normal end
    Parser p;
    p.header_limit(static_cast<std::uint32_t>(2 * limits.max_header_bytes + 64));
    p.body_limit(limits.max_body_bytes);
    p.eager(false);
    std::size_t used = pos;
    auto ec = feed(p, input, used, false);
    if (ec == bhttp::error::need_more) {  // EOF in the head: no answer, or a 400
      m.max_answers = m.min_answers + 1;
      return m;
    }
    if (!p.is_header_done()) {  // malformed head (or over every limit): a 4xx
      m.min_answers = m.max_answers = m.min_answers + 1;
      return m;
    }
    const std::string_view raw = input.substr(pos, used - pos);
    const std::size_t body_start = used;
    ModelRequest r;
    r.method = std::string(p.get().method_string());
    r.target = std::string(p.get().target());
    r.head = p.get().method() == bhttp::verb::head;
    const bool refused = http::validate_request(raw, p.get().base()).has_value();
    if (!refused && !p.is_done()) {
      p.eager(true);
      ec = feed(p, input, used, true);
    }
    if (ec == bhttp::error::need_more) {  // EOF in the body: cut off, or answered
      m.max_answers = m.min_answers + 1;
      return m;
    }
    r.body = p.get().body();
    const std::size_t overhead = used - body_start - r.body.size();
    r.kind = classify(p, raw, overhead, refused, limits);
    if (r.kind == ModelRequest::forwarded && ec) r.kind = ModelRequest::broken;
    ++m.min_answers;
    m.requests.push_back(r);
    if (r.kind == ModelRequest::unsure || (p.get().version() < 11 && p.keep_alive())) {
      // Whether an HTTP/1.0 keep-alive connection goes on depends on the upstream's framing.
      m.unsure = true;
      m.max_answers = std::numeric_limits<std::size_t>::max();
      return m;
    }
    // Answered and closed: refused, a broken body, a body the balancer did not read.
    if (r.kind == ModelRequest::refused || ec || !p.keep_alive() ||
        (r.kind != ModelRequest::forwarded && used != body_start)) {
      break;
    }
    pos = used;
  }
  m.max_answers = m.min_answers;
  return m;
}

}  // namespace conv::fuzz
