#include "conv/balancer/forward.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <vector>

#include "conv/http/request_validator.hpp"

namespace conv::balancer {

namespace bhttp = boost::beast::http;
using boost::beast::iequals;

namespace {

// Tokens listed in every Connection header: those headers are hop-by-hop for this message.
template <typename Fields>
std::vector<std::string> connection_tokens(const Fields& fields) {
  std::vector<std::string> tokens;
  for (const auto& f : fields) {
    if (f.name() != bhttp::field::connection) continue;
    std::string_view v = f.value();
    while (!v.empty()) {
      const auto comma = v.find(',');
      std::string_view t = v.substr(0, comma);
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      if (!t.empty()) tokens.emplace_back(t);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return tokens;
}

bool listed(const std::vector<std::string>& tokens, std::string_view name) {
  for (const auto& t : tokens) {
    if (iequals(t, name)) return true;
  }
  return false;
}

// Appends one more value of a list header (several lines, or one comma list) with ", ".
void add_value(std::string& list, std::string_view value) {
  if (!list.empty()) list += ", ";
  list.append(value);
}

// The X-Forwarded-* headers are not in Beast's field table: compare their names only for
// unknown fields, and only those of the right length.
enum class Forwarded { none, for_, proto, host };
Forwarded forwarded_kind(bhttp::field f, std::string_view name) {
  if (f != bhttp::field::unknown || name.size() < 15 || name.size() > 17) return Forwarded::none;
  if (iequals(name, "X-Forwarded-For")) return Forwarded::for_;
  if (iequals(name, "X-Forwarded-Proto")) return Forwarded::proto;
  if (iequals(name, "X-Forwarded-Host")) return Forwarded::host;
  return Forwarded::none;
}

void header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

void framing_header(std::string& out, Framing framing, std::uint64_t length) {
  if (framing == Framing::length) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, length);
    header(out, "Content-Length", std::string_view(buf, static_cast<std::size_t>(end - buf)));
  } else if (framing == Framing::chunked) {
    header(out, "Transfer-Encoding", "chunked");
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
                                  Framing framing, std::uint64_t length) {
  const auto tokens = connection_tokens(request);
  std::string out;
  out.reserve(512);
  out.append(request.method_string());
  out += ' ';
  out.append(request.target());
  out.append(" HTTP/1.1\r\n");
  std::string xff, via;
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
    switch (forwarded_kind(id, name)) {
      case Forwarded::for_:
        add_value(xff, f.value());
        continue;
      case Forwarded::proto:
      case Forwarded::host:
        continue;
      case Forwarded::none:
        break;
    }
    if (is_hop_by_hop(id) || id == bhttp::field::expect) continue;
    if (!tokens.empty() && listed(tokens, name)) continue;
    header(out, name, f.value());
  }
  add_value(xff, fwd.client_address);
  header(out, "X-Forwarded-For", xff);
  header(out, "X-Forwarded-Proto", fwd.proto);
  if (has_host) {
    header(out, "X-Forwarded-Host", host);
  } else {
    // An HTTP/1.0 client may omit Host, but what goes upstream is HTTP/1.1, which must have
    // one: empty, as RFC 9112 3.2 says for a target without an authority.
    header(out, "Host", "");
  }
  add_value(via, fwd.via);
  header(out, "Via", via);
  framing_header(out, framing, length);
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
  return std::nullopt;
}

template <typename Header>
std::string response_head(const Header& response, unsigned client_version, Framing framing,
                          std::uint64_t length, bool keep_alive, std::string_view via) {
  const auto tokens = connection_tokens(response);
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
    if (is_hop_by_hop(f.name()) || (!tokens.empty() && listed(tokens, name))) continue;
    header(out, name, f.value());
  }
  add_value(v, via);
  header(out, "Via", v);
  framing_header(out, framing, length);
  if (!keep_alive && client_version != 10) header(out, "Connection", "close");
  if (keep_alive && client_version == 10) header(out, "Connection", "keep-alive");
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
                                 std::string_view via) {
  return response_head(response, client_version, framing, length, keep_alive, via);
}

std::string client_response_head(const PooledResponseHeader& response, unsigned client_version,
                                 Framing framing, std::uint64_t length, bool keep_alive,
                                 std::string_view via) {
  return response_head(response, client_version, framing, length, keep_alive, via);
}

std::string chunk_header(std::size_t size) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, size, 16);
  std::string out(buf, end);
  out.append("\r\n");
  return out;
}

}  // namespace conv::balancer
