#include "conv/http/redirect_handler.hpp"

#include "conv/http/error_response.hpp"
#include "conv/http/host_port.hpp"

namespace conv::http {

void RedirectHandler::handle(const RequestHeader& request, std::string_view, const RequestInfo&,
                             Responder responder) {
  const auto host = parse_host_port(request[boost::beast::http::field::host], kUrlAuthorityRules);
  if (!host) {
    auto resp = error_response(400, "bad_host", "a redirect to https needs a valid Host header");
    resp.close = true;
    responder.send(std::move(resp));
    return;
  }
  const HostPort to{host->host, https_port_};
  std::string location = "https://";
  location += https_port_ == 443 ? to.host_text() : to.text();
  location.append(request.target());
  Response resp;
  resp.status = 308;
  resp.content_type.clear();
  resp.headers.emplace_back("Location", std::move(location));
  resp.route = 1;
  responder.send(std::move(resp));
}

}  // namespace conv::http
