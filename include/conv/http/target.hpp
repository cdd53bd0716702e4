#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conv::http {

// A request target split into its decoded path and its query parameters.
struct Target {
  std::string path;                                        // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
};

// Decodes %XX escapes (and, when `plus_is_space`, '+' as in form encoding). Returns nothing
// for a malformed escape or an encoded NUL.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space = false);

// Parses an origin-form target ("/path?a=1&b=2"). Returns nothing if it is not origin-form or
// holds a malformed escape.
std::optional<Target> parse_target(std::string_view target);

}  // namespace conv::http
