// Splits what a client received on one connection into responses, and tells a response the
// balancer relayed from one it made itself: a relayed response always carries a "Via" the
// balancer added; its own answers (serialize_response) never do, and have a fixed shape.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conv/balancer/proxy/request_id.hpp"

namespace conv::fuzz {

struct StreamResponse {
  unsigned status = 0;
  bool relayed = false;    // has a Via header
  bool own_shape = false;  // exactly the fields the balancer's own answers have, and its name
  std::optional<std::string> echo;  // X-Echo, if any
  std::optional<std::string> id;    // X-Id, if any
  bool close = false;               // the server said it closes after this one
  bool complete = false;            // the whole body arrived
  std::string body;
};

namespace stream_detail {

namespace bhttp = boost::beast::http;

// A string body that does not reserve what Content-Length declares (an upstream may declare
// any length: the stream has what it has).
struct AppendBody {
  using value_type = std::string;
  struct reader {
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& b) : body(b) {}
    void init(const boost::optional<std::uint64_t>&, boost::system::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        body.append(static_cast<const char*>(it->data()), it->size());
        n += it->size();
      }
      return n;
    }
    void finish(boost::system::error_code& ec) { ec = {}; }
    value_type& body;
  };
};
using Parser = bhttp::response_parser<AppendBody>;

inline bool own_field(bhttp::field f) {
  switch (f) {
    case bhttp::field::server:
    case bhttp::field::date:
    case bhttp::field::content_type:
    case bhttp::field::content_length:
    case bhttp::field::connection:
    case bhttp::field::allow:
      return true;
    default:
      return false;
  }
}

inline StreamResponse describe(const Parser& p, std::string_view served_by) {
  const auto& h = p.get();
  StreamResponse r;
  r.status = h.result_int();
  r.relayed = h.find(bhttp::field::via) != h.end();
  r.own_shape = !r.relayed;
  for (const auto& f : h) {
    const std::string_view name = f.name_string();
    if (boost::beast::iequals(name, "X-Served-By")) {
      r.own_shape = r.own_shape && f.value() == served_by;
      continue;
    }
    // The balancer's own answers to a proxied request carry its ID (valid: kept or made).
    if (boost::beast::iequals(name, "X-Request-Id")) {
      r.own_shape = r.own_shape && balancer::valid_request_id(f.value());
      continue;
    }
    if (boost::beast::iequals(name, "X-Echo")) r.echo = std::string(f.value());
    if (boost::beast::iequals(name, "X-Id")) r.id = std::string(f.value());
    if (!own_field(f.name())) r.own_shape = false;
  }
  r.own_shape = r.own_shape && h.find("X-Served-By") != h.end();
  r.close = !p.keep_alive();
  return r;
}

}  // namespace stream_detail

// `is_head(i)`: whether the i-th final response answers a HEAD request. Interim responses
// must be the core's bare "100 Continue" and are dropped. The last response may be cut off
// (complete = false). Returns what is wrong with the stream, if anything: bytes that are not a
// response, or bytes after a response that said it closes.
inline std::optional<std::string> read_responses(std::string_view in,
                                                 const std::function<bool(std::size_t)>& is_head,
                                                 std::string_view served_by,
                                                 std::vector<StreamResponse>& out) {
  using namespace stream_detail;
  std::size_t pos = 0;
  while (pos < in.size()) {
    if (!out.empty() && out.back().close) return "bytes after a response that closes";
    Parser p;
    p.header_limit(1 << 20);
    p.body_limit(boost::none);
    p.eager(true);
    const bool head = is_head(out.size());
    if (head) p.skip(true);
    boost::system::error_code ec;
    const std::size_t n = p.put(boost::asio::buffer(in.data() + pos, in.size() - pos), ec);
    if (ec && ec != bhttp::error::need_more) return "not an HTTP response: " + ec.message();
    pos += n;
    if (!p.is_header_done()) return "a response head cut off";
    if (!p.is_done() && !p.chunked() && !p.content_length()) p.put_eof(ec);  // ends at close
    StreamResponse r = describe(p, served_by);
    if (r.status / 100 == 1) {
      if (r.status != 100 || p.get().begin() != p.get().end())
        return "an interim response other than a bare 100";
      continue;
    }
    r.complete = p.is_done();
    r.body = p.get().body();
    // The core answers a request it refuses with a body even after HEAD, and closes.
    const std::size_t rest = in.size() - pos;
    if (head && r.own_shape && r.close && p.content_length() && rest == *p.content_length()) {
      r.body = in.substr(pos);
      pos = in.size();
    }
    if (!r.complete) pos = in.size();  // the rest is what arrived of its body
    out.push_back(std::move(r));
  }
  return std::nullopt;
}

}  // namespace conv::fuzz
