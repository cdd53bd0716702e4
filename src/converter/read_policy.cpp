#include "conv/converter/read_policy.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <cstdint>
#include <functional>

#include "conv/http/host_port.hpp"

namespace conv::converter {

namespace {

namespace bhttp = boost::beast::http;

// The Access-Control-Allow-Origin value for the request's Origin, if it may read.
std::optional<std::string> allowed_origin(const http::RequestHeader& request,
                                          const ReadPolicy& policy) {
  const auto origin = request.find(bhttp::field::origin);
  if (origin == request.end() || policy.cors_origins.empty()) return std::nullopt;
  if (policy.any_origin()) return std::string("*");
  const std::string_view value = origin->value();
  for (const auto& o : policy.cors_origins) {
    if (o == value) return o;
  }
  return std::nullopt;
}

void add_cors(http::Response& r, const http::RequestHeader& request, const ReadPolicy& policy) {
  if (auto origin = allowed_origin(request, policy)) {
    r.headers.emplace_back("Access-Control-Allow-Origin", std::move(*origin));
    r.headers.emplace_back("Access-Control-Expose-Headers", "ETag, X-Request-Id");
  }
  // The answer differs by Origin: a shared cache must keep one per origin.
  if (!policy.cors_origins.empty() && !policy.any_origin())
    r.headers.emplace_back("Vary", "Origin");
}

// The entity tags of an If-None-Match list, without their W/ prefix.
template <typename F>
void for_each_tag(std::string_view list, F f) {
  while (!list.empty()) {
    const auto start = list.find_first_not_of(" \t,");
    if (start == std::string_view::npos) return;
    list.remove_prefix(start);
    if (list.starts_with("W/")) list.remove_prefix(2);
    if (list.empty()) return;  // a bare "W/": nothing after it
    std::size_t end = 0;
    if (list.front() == '"') {
      end = list.find('"', 1);
      end = end == std::string_view::npos ? list.size() : end + 1;
    } else {
      end = std::min(list.find(','), list.size());
    }
    f(list.substr(0, end));
    list.remove_prefix(end);
  }
}

}  // namespace

bool ReadPolicy::any_origin() const {
  return std::find(cors_origins.begin(), cors_origins.end(), "*") != cors_origins.end();
}

void ReadPolicy::set_max_age(std::chrono::seconds age) {
  cache_control_ = "public, max-age=" + std::to_string(age.count());
}

bool valid_origin(std::string_view origin) {
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  const auto bracket = rest.rfind(']');
  const bool has_port =
      rest.find(':', bracket == std::string_view::npos ? 0 : bracket) != std::string_view::npos;
  return http::parse_host_port(has_port ? std::string(rest) : std::string(rest) + ":1").has_value();
}

std::string entity_tag(std::string_view body) {
  // libstdc++'s string hash (64-bit MurmurHash2, eight bytes a step): unseeded, so the same
  // on every replica built alike.
  std::uint64_t h = std::hash<std::string_view>{}(body);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag(18, '"');
  for (int i = 16; i >= 1; --i, h >>= 4) tag[static_cast<std::size_t>(i)] = kHex[h & 0xf];
  return tag;
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  bool matched = false;
  for_each_tag(if_none_match,
               [&](std::string_view tag) { matched = matched || tag == "*" || tag == etag; });
  return matched;
}

void finish_read_answer(http::Response& r, const http::RequestHeader& request,
                        const ReadPolicy& policy) {
  r.headers.reserve(r.headers.size() + 4);  // one allocation for all of them
  add_cors(r, request, policy);
  if (r.status != 200) return;
  std::string tag = entity_tag(r.body);
  const bool has_cache_control = std::any_of(
      r.headers.begin(), r.headers.end(), [](const auto& h) { return h.first == "Cache-Control"; });
  if (!has_cache_control) r.headers.emplace_back("Cache-Control", policy.cache_control());
  const auto condition = request.find(bhttp::field::if_none_match);
  if (condition != request.end() && none_match(condition->value(), tag)) {
    r.status = 304;  // the same headers, no body (RFC 9110 15.4.5)
    r.body.clear();
    r.content_type.clear();
  }
  r.headers.emplace_back("ETag", std::move(tag));
}

std::optional<http::Response> preflight_answer(const http::RequestHeader& request,
                                               const ReadPolicy& policy) {
  const auto method = request.find(bhttp::field::access_control_request_method);
  if (method == request.end() || request.find(bhttp::field::origin) == request.end()) {
    return std::nullopt;
  }
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Allow", kAllowedMethods);
  const std::string_view asked = method->value();
  const bool read = asked == "GET" || asked == "HEAD";
  if (auto origin = allowed_origin(request, policy); origin && read) {
    r.headers.emplace_back("Access-Control-Allow-Origin", std::move(*origin));
    r.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD");
    const auto headers = request.find(bhttp::field::access_control_request_headers);
    // A parsed value: no CR or LF, as Response::headers requires.
    if (headers != request.end()) {
      r.headers.emplace_back("Access-Control-Allow-Headers", std::string(headers->value()));
    }
    r.headers.emplace_back("Access-Control-Max-Age", "86400");
  }
  if (!policy.cors_origins.empty() && !policy.any_origin())
    r.headers.emplace_back("Vary", "Origin");
  return r;
}

}  // namespace conv::converter
