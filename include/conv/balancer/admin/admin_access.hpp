#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conv/balancer/model/config.hpp"
#include "conv/http/handler.hpp"
#include "conv/http/response.hpp"

namespace conv::balancer {

// Who the admin API obeys: its operator, not a web page the operator happens to open.
//
// A browser lets any page send a "simple" cross-site POST, and DNS rebinding lets a page
// read from a name that now resolves to 127.0.0.1. So a request is refused (403) when:
//  - its Host is not an IP literal, "localhost" or one of `hosts` (a rebound name is none);
//  - it carries an Origin other than its own Host (a cross-site request), or
//    Sec-Fetch-Site other than same-origin or none.
// With a token, a state-changing request (any method but GET and HEAD) must also carry
// "Authorization: Bearer <token>" (else 401). Mutations by GET are refused by the handler.
struct AdminAccess {
  std::vector<std::string> hosts;  // lower case
  std::string token;               // empty: none required
};

// Reads `admin_token_file` and checks the admin settings: an admin address that is not
// loopback needs a token (the API would obey anyone who can reach it). Throws ConfigError.
AdminAccess load_admin_access(const BalancerConfig& config);

// The answer refusing `request`, or nothing if the admin API may serve it.
std::optional<http::Response> refuse_admin_request(const http::RequestHeader& request,
                                                   const AdminAccess& access);

}  // namespace conv::balancer
