#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>

#include "conv/balancer/admin/admin_access.hpp"
#include "conv/balancer/admin/config_view.hpp"
#include "conv/balancer/admin/prometheus.hpp"
#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/balancer/admin/sampler.hpp"
#include "conv/balancer/cluster.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// The admin listener's handler (its own port, loopback by default; see docs/operations.md):
//   GET  /                               the status page (with /status.css, /status.js)
//   GET  /status                         JSON: the policy and every upstream
//   GET  /history                        JSON: each upstream's last 5 minutes, by the second
//   GET  /metrics                        Prometheus text
//   GET  /healthz                        200
//   GET  /config                         the running configuration, as a config file
//   GET  /upstreams/<name>               one upstream, as in /status
//   POST /upstreams/<name>/drain         no new requests; those in flight finish
//   POST /upstreams/<name>/disable       no requests, no health checks
//   POST /upstreams/<name>/enable        back to active
//   POST /upstreams/<name>/weight?value=N  a new weight (1-100) until the next reload
//   POST /reload                         re-read the config file (as SIGHUP)
// <name> is the upstream's address as configured ("127.0.0.1:5001", "api1:5000") or its
// position in /status (0, 1, ...). Errors use the one JSON error shape. Requests from other
// sites, through other names, or without the token where one is set are refused first
// (AdminAccess); every answer forbids inline scripts, framing and type sniffing.
class AdminHandler : public http::Handler {
 public:
  enum Route : std::uint16_t { none, page, status, metrics, control, reload, config };
  static std::vector<std::string> route_names();

  // `cluster` is what the control requests change; `metrics` what /metrics shows (the same
  // cluster). `reload` runs on `control` (the thread that owns the health checker and the
  // config); it returns an empty string on success, else why the old configuration was kept.
  AdminHandler(UpstreamCluster& cluster, MetricsSources metrics, const StatsSampler& sampler,
               const ReloadStats& reloads, const ConfigView& config,
               boost::asio::io_context& control, std::function<std::string()> reload,
               AdminAccess access = {});

  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

  // After this, a reload request still queued on the control thread is dropped unanswered
  // (the process is stopping).
  void stop() { stopping_->store(true); }

 private:
  http::Response answer(boost::beast::http::verb method, std::string_view path,
                        const std::vector<std::pair<std::string, std::string>>& query);
  http::Response upstream_request(boost::beast::http::verb method, std::string_view rest,
                                  const std::vector<std::pair<std::string, std::string>>& query);
  void start_reload(http::Responder responder);

  const AdminAccess access_;
  UpstreamCluster& cluster_;
  const MetricsSources metrics_;
  const StatsSampler& sampler_;
  const ReloadStats& reloads_;
  const ConfigView& config_;
  boost::asio::io_context& control_;
  std::function<std::string()> reload_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace conv::balancer
