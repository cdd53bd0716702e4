#include "conv/http/error_response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <ostream>  // Boost 1.81's core/detail/string_view.hpp uses std::ostream without including it

namespace conv::http {

std::string error_body(unsigned status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["status"] = status;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  std::string body = boost::json::serialize(outer);
  body += '\n';
  return body;
}

Response error_response(unsigned status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.body = error_body(status, code, message);
  return r;
}

}  // namespace conv::http
