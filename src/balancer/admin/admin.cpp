#include "conv/balancer/admin/admin.hpp"

#include <boost/asio/post.hpp>
#include <charconv>

#include "conv/balancer/admin/history_json.hpp"
#include "conv/balancer/admin/prometheus.hpp"
#include "conv/balancer/admin/status_json.hpp"
#include "conv/balancer/admin/status_page.hpp"
#include "conv/http/error_response.hpp"
#include "conv/http/target.hpp"
#include "conv/log/logger.hpp"

namespace conv::balancer {

namespace {

namespace bhttp = boost::beast::http;

http::Response error(unsigned status, std::string_view code, std::string_view message,
                     std::uint16_t route) {
  auto r = http::error_response(status, code, message);
  r.route = route;
  return r;
}

http::Response method_not_allowed(std::string_view allow, std::uint16_t route) {
  auto r = error(405, "method_not_allowed", "use " + std::string(allow), route);
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

http::Response ok(std::string body, std::string content_type, std::uint16_t route) {
  http::Response r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.route = route;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

bool is_read(bhttp::verb v) {
  return v == bhttp::verb::get || v == bhttp::verb::head;
}

// Every admin answer: scripts, styles and fetches from the API itself only, no inline code,
// no framing, no type sniffing.
http::Response secured(http::Response r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                         "form-action 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

std::vector<std::string> AdminHandler::route_names() {
  return {"none", "page", "status", "metrics", "control", "reload", "config"};
}

AdminHandler::AdminHandler(UpstreamCluster& cluster, MetricsSources metrics,
                           const StatsSampler& sampler, const ReloadStats& reloads,
                           const ConfigView& config, boost::asio::io_context& control,
                           std::function<std::string()> reload, AdminAccess access)
    : access_(std::move(access)),
      cluster_(cluster),
      metrics_(metrics),
      sampler_(sampler),
      reloads_(reloads),
      config_(config),
      control_(control),
      reload_(std::move(reload)) {}

void AdminHandler::handle(const http::RequestHeader& request, std::string_view,
                          const http::RequestInfo&, http::Responder responder) {
  if (auto refusal = refuse_admin_request(request, access_)) {
    responder.send(secured(std::move(*refusal)));
    return;
  }
  const auto target = http::parse_target(request.target());
  if (!target) {
    responder.send(secured(error(400, "bad_target", "malformed request target", none)));
    return;
  }
  if (target->path == "/reload" && request.method() == bhttp::verb::post) {
    start_reload(std::move(responder));
    return;
  }
  responder.send(secured(answer(request.method(), target->path, target->query)));
}

http::Response AdminHandler::answer(bhttp::verb method, std::string_view path,
                                    const std::vector<std::pair<std::string, std::string>>& query) {
  auto read_only = [&](http::Response r) {
    return is_read(method) ? std::move(r) : method_not_allowed("GET, HEAD", r.route);
  };
  if (path == "/") {
    return read_only(ok(std::string(status_page_html()), "text/html; charset=utf-8", page));
  }
  if (path == "/status.css") {
    return read_only(ok(std::string(status_page_css()), "text/css; charset=utf-8", page));
  }
  if (path == "/status.js") {
    return read_only(ok(std::string(status_page_script()), "text/javascript; charset=utf-8", page));
  }
  if (path == "/status") {
    return read_only(
        ok(render_status(cluster_, sampler_, reloads_, metrics_.tls), "application/json", status));
  }
  if (path == "/history") {
    return read_only(ok(render_history(cluster_, sampler_), "application/json", status));
  }
  if (path == "/metrics") {
    std::string body;
    if (is_read(method)) render_balancer_metrics(metrics_, &reloads_, body);
    return read_only(ok(std::move(body), "text/plain; version=0.0.4; charset=utf-8", metrics));
  }
  if (path == "/healthz") return read_only(ok("{\"status\":\"ok\"}\n", "application/json", status));
  if (path == "/config") return read_only(ok(*config_.text(), "application/json", config));
  if (path == "/reload") return method_not_allowed("POST", reload);
  if (path.starts_with("/upstreams/")) return upstream_request(method, path.substr(11), query);
  return error(404, "not_found", "no admin endpoint " + std::string(path), none);
}

void AdminHandler::start_reload(http::Responder responder) {
  // The reload runs on the control thread; its answer comes back on this connection's.
  auto executor = responder.executor();
  boost::asio::post(control_, [this, executor, stopping = stopping_,
                               responder = std::move(responder)]() mutable {
    if (stopping->load()) return;  // dropped: the process is stopping
    std::string why = reload_();
    boost::asio::post(executor, [responder = std::move(responder), why = std::move(why)]() mutable {
      if (why.empty()) {
        responder.send(secured(ok("{\"status\":\"reloaded\"}\n", "application/json", reload)));
      } else {
        responder.send(secured(error(422, "invalid_config", why, reload)));
      }
    });
  });
}

http::Response AdminHandler::upstream_request(
    bhttp::verb method, std::string_view rest,
    const std::vector<std::pair<std::string, std::string>>& query) {
  // rest: "<name>" or "<name>/<action>"; the name may hold ':' but not '/'.
  const auto slash = rest.find('/');
  const std::string_view name = rest.substr(0, slash);
  const std::string_view action =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  auto& table = cluster_.upstreams();
  Upstream* u = table.find(name);
  if (!u) {
    std::size_t i = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), i);
    if (ec == std::errc() && end == name.data() + name.size() && !name.empty()) {
      // by position among the listed (not removed) upstreams, as /status shows them
      for (std::size_t k = 0, pos = 0; k < table.size(); ++k) {
        if (table[k].admin_state() == AdminState::removed) continue;
        if (pos++ == i) u = &table[k];
      }
    }
  }
  if (!u || u->admin_state() == AdminState::removed) {
    return error(404, "unknown_upstream", "no upstream " + std::string(name), control);
  }
  auto answer = [&] {
    return ok(render_upstream(cluster_, *u, nullptr, 0, nullptr) + "\n", "application/json",
              control);
  };
  if (action.empty()) return is_read(method) ? answer() : method_not_allowed("GET, HEAD", control);
  if (method != bhttp::verb::post) return method_not_allowed("POST", control);
  const auto say = [&](const std::string& what) {
    log::info() << "admin: upstream " << u->name() << " " << what;
  };
  if (action == "drain") {
    u->set_admin_state(AdminState::draining);
    say("draining");
  } else if (action == "disable") {
    u->set_admin_state(AdminState::disabled);
    say("disabled");
  } else if (action == "enable") {
    u->set_admin_state(AdminState::active);
    say("enabled");
  } else if (action == "weight") {
    const std::string* value = nullptr;
    for (const auto& [k, v] : query) {
      if (k == "value") value = &v;
    }
    unsigned w = 0;
    const auto [end, ec] = value ? std::from_chars(value->data(), value->data() + value->size(), w)
                                 : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (!value || ec != std::errc() || end != value->data() + value->size() || w < 1 || w > 100) {
      return error(400, "invalid_weight", "expected ?value=N with N from 1 to 100", control);
    }
    u->set_weight(w);
    say("weight " + std::to_string(w));
  } else {
    return error(404, "not_found",
                 "no action " + std::string(action) + " (drain, disable, enable, weight)", control);
  }
  cluster_.selector().refresh(Upstream::Clock::now());
  return answer();
}

}  // namespace conv::balancer
