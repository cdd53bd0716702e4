#include "conv/http/probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

#include "conv/http/host_port.hpp"
#include "conv/version.hpp"

namespace conv::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// Bytes allowed in a request target we send: visible ASCII but the fragment mark.
bool valid_target(std::string_view t) {
  for (char c : t) {
    if (c <= 0x20 || c > 0x7e || c == '#') return false;
  }
  return true;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return std::nullopt;
  }
  url.remove_prefix(scheme.size());
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  HttpUrl out;
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  }
  if (!valid_target(out.target) || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  out.host_header = std::string(authority);
  auto where = parse_host_port(authority, kUrlAuthorityRules);
  if (!where) return std::nullopt;
  out.host = std::move(where->host);
  out.port = where->port;
  return out;
}

ProbeResult probe(const HttpUrl& url, std::chrono::milliseconds timeout) {
  net::io_context ctx;
  net::ip::tcp::resolver resolver(ctx);
  beast::tcp_stream stream(ctx);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, url.target, 11);
  request.set(bhttp::field::host, url.host_header);
  request.set(bhttp::field::user_agent, "conv-probe/" + std::string(version()));
  request.set(bhttp::field::connection, "close");
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // the status line and headers are the answer; no body is read
  ProbeResult result;
  auto fail = [&](const char* step, error_code ec) {
    result.error = std::string(step) + ": " + ec.message();
  };

  // Async steps on one io_context run for at most `timeout`: one deadline covers name
  // resolution too, which a synchronous resolver could not bound.
  resolver.async_resolve(
      url.host, std::to_string(url.port),
      [&](error_code ec, const net::ip::tcp::resolver::results_type& endpoints) {
        if (ec) return fail("resolve", ec);
        stream.async_connect(endpoints, [&](error_code cec, const net::ip::tcp::endpoint&) {
          if (cec) return fail("connect", cec);
          bhttp::async_write(stream, request, [&](error_code wec, std::size_t) {
            if (wec) return fail("send", wec);
            bhttp::async_read_header(stream, buffer, parser, [&](error_code rec, std::size_t) {
              if (rec) return fail("read", rec);
              result.status = parser.get().result_int();
            });
          });
        });
      });
  ctx.run_for(timeout);
  if (!ctx.stopped()) {
    ctx.stop();
    result.status = 0;
    result.error = "timed out after " + std::to_string(timeout.count()) + " ms";
  }
  return result;
}

}  // namespace conv::http
