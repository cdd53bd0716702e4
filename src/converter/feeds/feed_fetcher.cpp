#include "conv/converter/feeds/feed_fetcher.hpp"

#include <boost/asio/post.hpp>

#include "conv/converter/feeds/feed_file.hpp"
#include "conv/http/async_probe.hpp"
#include "conv/http/probe.hpp"
#include "conv/tls/certificate.hpp"
#include "conv/version.hpp"

namespace conv::converter {

namespace net = boost::asio;

FetchResult fetch_result(unsigned status, std::string_view probe_reason, std::string error,
                         std::string body) {
  FetchResult r;
  if (status >= 200 && status < 300) {
    r.body = std::move(body);
    return r;
  }
  if (status != 0) {
    r.failure = FetchFailure::http_status;
    r.detail = "HTTP " + std::to_string(status);
    return r;
  }
  // A reason async_probe adds later is still a failure: counted as the connection's end.
  r.failure = failure_from_probe(probe_reason).value_or(FetchFailure::reset);
  r.detail = std::move(error);
  return r;
}

FeedFetcher::FeedFetcher(net::io_context& ctx, FetchSettings settings)
    : ctx_(ctx), settings_(std::move(settings)) {
  // Providers' operators see who asks (and whom to write to) in their logs.
  if (settings_.user_agent.empty()) settings_.user_agent = "conv-rates/" + std::string(version());
}

void FeedFetcher::fetch(const std::string& url, std::function<void(FetchResult)> done) {
  if (const auto path = file_url_path(url)) {
    return post(std::move(done), read_feed_file(*path, settings_.max_file));
  }
  const auto where = http::parse_http_url(url);
  FetchResult refused;
  http::ProbeRequest request{where ? where->target : "", where ? where->host_header : "",
                             settings_.user_agent, nullptr, settings_.max_body};
  if (!where) {
    refused.failure = FetchFailure::resolve;
    refused.detail = "not an http(s) URL: " + url;
  } else if (where->https) {
    try {
      request.tls = tls_for(where->host);
    } catch (const tls::TlsError& e) {
      refused.failure = FetchFailure::tls;
      refused.detail = e.what();
    }
  }
  if (refused.failure) return post(std::move(done), std::move(refused));
  http::async_probe(ctx_, where->host, where->port, std::move(request), settings_.timeout,
                    [done = std::move(done)](http::ProbeResult p) {
                      done(fetch_result(p.status, p.reason, std::move(p.error), std::move(p.body)));
                    });
}

// A result known at once still reaches `done` on ctx_, as an answer would: never inside fetch().
void FeedFetcher::post(std::function<void(FetchResult)> done, FetchResult result) {
  net::post(ctx_,
            [done = std::move(done), r = std::move(result)]() mutable { done(std::move(r)); });
}

std::shared_ptr<const tls::ClientContext> FeedFetcher::tls_for(const std::string& host) {
  const auto it = tls_.find(host);
  if (it != tls_.end()) return it->second;
  auto made = std::make_shared<const tls::ClientContext>(settings_.tls, host);
  tls_.emplace(host, made);
  return made;
}

}  // namespace conv::converter
