#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conv/balancer/admin/prometheus.hpp"
#include "conv/balancer/admin/reload_stats.hpp"
#include "conv/http/handler.hpp"

namespace conv::balancer {

// The read-only listener for scrapers (`--metrics HOST:PORT`): GET /metrics (the admin API's
// Prometheus text) and GET /healthz, nothing else. It can be exposed inside a cluster or a
// compose network where the admin API, which changes state, must not be.
class MetricsHandler : public http::Handler {
 public:
  enum Route : std::uint16_t { none, metrics, healthz };
  static std::vector<std::string> route_names();

  MetricsHandler(MetricsSources metrics, const ReloadStats& reloads)
      : metrics_(metrics), reloads_(reloads) {}

  void handle(const http::RequestHeader& request, std::string_view body,
              const http::RequestInfo& info, http::Responder responder) override;

 private:
  const MetricsSources metrics_;
  const ReloadStats& reloads_;
};

}  // namespace conv::balancer
