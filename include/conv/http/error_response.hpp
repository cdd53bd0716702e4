#pragma once

#include <string>
#include <string_view>

#include "conv/http/response.hpp"

namespace conv::http {

// The one error shape of the whole API:
//   {"error":{"status":400,"code":"invalid_amount","message":"..."}}
// `code` is a stable machine-readable token; `message` is for people.
std::string error_body(unsigned status, std::string_view code, std::string_view message);

Response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace conv::http
