#include "conv/balancer/proxy/forward.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>

#include "conv/http/header_line.hpp"
#include "conv/http/request_validator.hpp"

namespace conv::balancer {

namespace bhttp = boost::beast::http;
using boost::beast::iequals;

namespace {

// The options a message's Connection headers list (RFC 9110 7.6.1): each names a header that
// is hop-by-hop for this message. At most kMaxConnectionOptions are kept (the validator and
// check_upstream_response refuse messages with more), and a name is compared only with the
// options of its length (a bit per length mod 64): checking every field stays linear.
class ConnectionOptions {
 public:
  template <typename Fields>
  explicit ConnectionOptions(const Fields& fields) {
    for (const auto& f : fields) {
      if (f.name() != bhttp::field::connection) continue;
      http::for_each_list_item(f.value(), [this](std::string_view option) {
        if (count_ == http::kMaxConnectionOptions) return;
        options_[count_++] = {option.data(), option.size()};
        lengths_ |= bit(option.size());
      });
    }
  }

  bool lists(std::string_view name) const {
    if ((lengths_ & bit(name.size())) == 0) return false;
    for (std::size_t i = 0; i < count_; ++i) {
      if (iequals(std::string_view(options_[i].data, options_[i].size), name)) return true;
    }
    return false;
  }

 private:
  static std::uint64_t bit(std::size_t n) { return std::uint64_t{1} << (n % 64); }

  // Trivial, so left uninitialised: built for every forwarded request and response.
  struct Option {
    const char* data;
    std::size_t size;
  };
  Option options_[http::kMaxConnectionOptions];
  std::size_t count_ = 0;
  std::uint64_t lengths_ = 0;
};

// Appends one more value of a list header (several lines, or one comma list) with ", ".
void add_value(std::string& list, std::string_view value) {
  if (!list.empty()) list += ", ";
  list.append(value);
}

// The headers the balancer rewrites: those that say who the client is, and the request's ID
// and trace context. None is in Beast's field table but Forwarded: compare their names only
// for unknown fields of the right lengths.
enum class Managed {
  none,
  for_,
  proto,
  host,
  real_ip,
  forwarded,
  request_id,
  traceparent,
  tracestate
};
Managed managed_kind(bhttp::field f, std::string_view name) {
  if (f == bhttp::field::forwarded) return Managed::forwarded;
  if (f != bhttp::field::unknown) return Managed::none;
  switch (name.size()) {
    case 9:
      return iequals(name, "X-Real-IP") ? Managed::real_ip : Managed::none;
    case 10:
      return iequals(name, "tracestate") ? Managed::tracestate : Managed::none;
    case 11:
      return iequals(name, "traceparent") ? Managed::traceparent : Managed::none;
    case 12:
      return iequals(name, "X-Request-Id") ? Managed::request_id : Managed::none;
    case 15:
      return iequals(name, "X-Forwarded-For") ? Managed::for_ : Managed::none;
    case 16:
      return iequals(name, "X-Forwarded-Host") ? Managed::host : Managed::none;
    case 17:
      return iequals(name, "X-Forwarded-Proto") ? Managed::proto : Managed::none;
    default:
      return Managed::none;
  }
}

// Whether the upstream gets the client's own line of a managed header (the rest are
// replaced by the balancer's, or dropped).
bool forwards_as_is(Managed kind, const ForwardedFor& fwd) {
  switch (kind) {
    case Managed::none:
      return true;
    case Managed::real_ip:
    case Managed::forwarded:
      return fwd.trusted_peer;  // else a client's claim about itself: dropped
    case Managed::request_id:
      return fwd.request_id.empty();
    case Managed::tracestate:
      return fwd.trace != nullptr;  // goes with a valid traceparent only
    case Managed::for_:
    case Managed::proto:
    case Managed::host:
    case Managed::traceparent:
      return false;
  }
  return false;
}

void framing_header(std::string& out, Framing framing, std::uint64_t length) {
  if (framing == Framing::length) {
    http::append_header(out, "Content-Length", length);
  } else if (framing == Framing::chunked) {
    http::append_header(out, "Transfer-Encoding", "chunked");
  }
}

bool printable(std::string_view s) {
  for (char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

bool is_hop_by_hop(bhttp::field f) {
  switch (f) {
    case bhttp::field::connection:
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::transfer_encoding:
    case bhttp::field::upgrade:
    case bhttp::field::proxy_authorization:
    case bhttp::field::proxy_authenticate:
    case bhttp::field::content_length:
      return true;
    default:
      return false;  // Beast knows every hop-by-hop header by name
  }
}

IncomingIds incoming_ids(const http::RequestHeader& request) {
  IncomingIds found;
  int ids = 0, parents = 0;
  for (const auto& f : request) {
    switch (managed_kind(f.name(), f.name_string())) {
      case Managed::request_id:
        found.request_id = ++ids == 1 ? std::string_view(f.value()) : std::string_view();
        break;
      case Managed::traceparent:
        found.traceparent = ++parents == 1 ? std::string_view(f.value()) : std::string_view();
        break;
      default:
        break;
    }
  }
  return found;
}

bool asks_upgrade(const http::RequestHeader& request) {
  bool listed = false;
  bool other_than_h2c = false;
  for (const auto& f : request) {
    if (f.name() == bhttp::field::connection) {
      http::for_each_list_item(
          f.value(), [&](std::string_view o) { listed = listed || iequals(o, "upgrade"); });
    } else if (f.name() == bhttp::field::upgrade) {
      http::for_each_list_item(f.value(), [&](std::string_view p) {
        other_than_h2c = other_than_h2c || !iequals(p, "h2c");
      });
    }
  }
  return listed && other_than_h2c;
}

Framing request_framing(const http::RequestHeader& request, std::uint64_t& length) {
  length = 0;
  const auto framing = http::framing_fields(request);
  if (framing.encodings > 0) return Framing::chunked;
  if (framing.lengths == 0) return Framing::none;
  // Digits only, and only one: validated before.
  std::from_chars(framing.length.data(), framing.length.data() + framing.length.size(), length);
  return Framing::length;
}

std::string upstream_request_head(const http::RequestHeader& request, const ForwardedFor& fwd,
                                  Framing framing, std::uint64_t length, bool upgrade) {
  const ConnectionOptions options(request);
  std::string out;
  out.reserve(512);
  out.append(request.method_string());
  out += ' ';
  out.append(request.target());
  out.append(" HTTP/1.1\r\n");
  std::string xff, via, protocols;
  std::string_view host;
  bool has_host = false;
  for (const auto& f : request) {
    const std::string_view name = f.name_string();
    const bhttp::field id = f.name();
    if (id == bhttp::field::via) {
      add_value(via, f.value());
      continue;
    }
    if (id == bhttp::field::host && !has_host) {
      host = f.value();
      has_host = true;
    }
    const Managed kind = managed_kind(id, name);
    if (kind == Managed::for_ && fwd.trusted_peer) add_value(xff, f.value());
    if (!forwards_as_is(kind, fwd)) continue;
    if (id == bhttp::field::upgrade && upgrade) {
      http::for_each_list_item(f.value(), [&](std::string_view p) {
        if (!iequals(p, "h2c")) add_value(protocols, p);
      });
      continue;
    }
    if (is_hop_by_hop(id) || id == bhttp::field::expect) continue;
    // Connection may name any end-to-end header, but never Host.
    if (id != bhttp::field::host && options.lists(name)) continue;
    http::append_header(out, name, f.value());
  }
  add_value(xff, fwd.client_address);
  http::append_header(out, "X-Forwarded-For", xff);
  http::append_header(out, "X-Forwarded-Proto", fwd.proto);
  if (has_host) {
    http::append_header(out, "X-Forwarded-Host", host);
  } else {
    // An HTTP/1.0 client may omit Host, but what goes upstream is HTTP/1.1, which must have
    // one: empty, as RFC 9112 3.2 says for a target without an authority.
    http::append_header(out, "Host", "");
  }
  add_value(via, fwd.via);
  http::append_header(out, "Via", via);
  if (!fwd.request_id.empty()) http::append_header(out, "X-Request-Id", fwd.request_id);
  if (fwd.trace) http::append_header(out, "traceparent", fwd.trace->text());
  framing_header(out, framing, length);
  if (!protocols.empty()) {
    http::append_header(out, "Connection", "Upgrade");
    http::append_header(out, "Upgrade", protocols);
  }
  out.append("\r\n");
  return out;
}

namespace {

template <typename Header>
std::optional<std::string> check_response(const Header& response) {
  // Beast reads any three digits; "000" would be relayed as the status line "HTTP/1.1 0".
  if (response.result_int() < 100 || response.result_int() > 599) {
    return "a status code outside 100-599";
  }
  const auto framing = http::framing_fields(response);
  if (framing.lengths > 0 && framing.encodings > 0) {
    return "both Content-Length and Transfer-Encoding";
  }
  if (framing.lengths > 1) return "more than one Content-Length";
  if (framing.encodings > 1 || (framing.encodings == 1 && !iequals(framing.encoding, "chunked"))) {
    return "a Transfer-Encoding other than chunked";
  }
  if (!printable(response.reason())) return "an invalid reason phrase";
  if (http::count_connection_options(response) > http::kMaxConnectionOptions) {
    return "more than " + std::to_string(http::kMaxConnectionOptions) + " Connection options";
  }
  return std::nullopt;
}

// What the balancer adds to a response head of its own.
struct Added {
  std::string_view via;
  std::string_view extra_headers;
  std::string_view request_id;
  bool upgrade = false;  // a 101, whose Upgrade goes to the client with "Connection: Upgrade"
};

template <typename Header>
std::string response_head(const Header& response, unsigned client_version, Framing framing,
                          std::uint64_t length, bool keep_alive, const Added& added) {
  const ConnectionOptions options(response);
  std::string out;
  out.reserve(512);
  out.append(client_version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  char buf[8];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, response.result_int());
  out.append(buf, end);
  out += ' ';
  std::string_view reason = response.reason();
  if (reason.empty()) reason = bhttp::obsolete_reason(response.result());
  out.append(reason);
  out.append("\r\n");
  std::string v;
  for (const auto& f : response) {
    const std::string_view name = f.name_string();
    if (f.name() == bhttp::field::via) {
      add_value(v, f.value());
      continue;
    }
    const bool protocol = added.upgrade && f.name() == bhttp::field::upgrade;
    if (!protocol && (is_hop_by_hop(f.name()) || options.lists(name))) continue;
    if (!added.request_id.empty() && managed_kind(f.name(), name) == Managed::request_id) {
      continue;
    }
    http::append_header(out, name, f.value());
  }
  add_value(v, added.via);
  http::append_header(out, "Via", v);
  framing_header(out, framing, length);
  out.append(added.extra_headers);
  if (!added.request_id.empty()) http::append_header(out, "X-Request-Id", added.request_id);
  if (added.upgrade) {
    http::append_header(out, "Connection", "Upgrade");
  } else if (!keep_alive && client_version != 10) {
    http::append_header(out, "Connection", "close");
  } else if (keep_alive && client_version == 10) {
    http::append_header(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  return out;
}

}  // namespace

std::optional<std::string> check_upstream_response(const ResponseHeader& response) {
  return check_response(response);
}

std::optional<std::string> check_upstream_response(const PooledResponseHeader& response) {
  return check_response(response);
}

std::string client_response_head(const ResponseHeader& response, unsigned client_version,
                                 Framing framing, std::uint64_t length, bool keep_alive,
                                 std::string_view via, std::string_view extra_headers,
                                 std::string_view request_id) {
  return response_head(response, client_version, framing, length, keep_alive,
                       {via, extra_headers, request_id});
}

std::string client_response_head(const PooledResponseHeader& response, unsigned client_version,
                                 Framing framing, std::uint64_t length, bool keep_alive,
                                 std::string_view via, std::string_view extra_headers,
                                 std::string_view request_id) {
  return response_head(response, client_version, framing, length, keep_alive,
                       {via, extra_headers, request_id});
}

bool switches_protocols(const PooledResponseHeader& response) {
  return response.result_int() == 101 && response.find(bhttp::field::upgrade) != response.end();
}

std::string switching_protocols_head(const PooledResponseHeader& response, std::string_view via,
                                     std::string_view extra_headers, std::string_view request_id) {
  return response_head(response, 11, Framing::none, 0, false,
                       {via, extra_headers, request_id, true});
}

}  // namespace conv::balancer
