#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conv/http/handler.hpp"

namespace conv::http {

// The plain-HTTP listener beside an HTTPS one: every request is answered 308 (the method and
// body are kept, RFC 9110 15.4.9) to the same host and target over https, on `https_port`
// (left out when 443). A request without a usable Host is 400.
class RedirectHandler final : public Handler {
 public:
  explicit RedirectHandler(std::uint16_t https_port) : https_port_(https_port) {}
  void handle(const RequestHeader& request, std::string_view body, const RequestInfo& info,
              Responder responder) override;
  // The route labels of its metrics.
  static std::vector<std::string> route_names() { return {"none", "redirect"}; }

 private:
  std::uint16_t https_port_;
};

}  // namespace conv::http
