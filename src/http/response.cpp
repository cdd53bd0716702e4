#include "conv/http/response.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ostream>  // Boost 1.81's core/detail/string_view.hpp uses std::ostream without including it

#include "conv/http/clock.hpp"
#include "conv/http/header_line.hpp"
#include "conv/version.hpp"

namespace conv::http {

namespace {

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

}  // namespace

void serialize_response(std::string& out, const Response& response, const ResponseIdentity& id,
                        unsigned version, bool keep_alive, bool head_only,
                        std::string_view extra_headers) {
  out.reserve(out.size() + 256 + (head_only ? 0 : response.body.size()));
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, response.status);
  out += ' ';
  out.append(boost::beast::http::obsolete_reason(
      static_cast<boost::beast::http::status>(response.status)));
  out.append("\r\n");
  append_header(out, "Server", server_header());
  append_header(out, "Date", http_date_now());
  if (!response.content_type.empty()) append_header(out, "Content-Type", response.content_type);
  // RFC 9110 8.6: no Content-Length on a 1xx or 204, which never have a body, nor on a 304
  // (which may only repeat the 200's, 8.6 again: the 200's body is not at hand).
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless) {
    append_header(out, "Content-Length", response.body.size());
  }
  if (!id.served_by.empty()) append_header(out, "X-Served-By", id.served_by);
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  out.append(extra_headers);
  // HTTP/1.1 is persistent unless we say otherwise; HTTP/1.0 only if we say so.
  if (!keep_alive && version != 10) append_header(out, "Connection", "close");
  if (keep_alive && version == 10) append_header(out, "Connection", "keep-alive");
  out.append("\r\n");
  if (!head_only && !bodiless) out.append(response.body);
}

}  // namespace conv::http
