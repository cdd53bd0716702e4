#include "conv/http/body_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

#include "conv/http/chunk_limits.hpp"
#include "conv/http/error_response.hpp"

namespace conv::http {

namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "conv.body"; }
  std::string message(int e) const override {
    switch (static_cast<BodyError>(e)) {
      case BodyError::chunk_line_too_long:
        return "a chunk-size line longer than " + std::to_string(kMaxChunkLine) + " bytes";
      case BodyError::trailers_too_large:
        return "the header block and trailers exceed the header limit";
      case BodyError::timed_out:
        return "the request body was not received in time";
    }
    return "request body error";
  }
};

}  // namespace

const boost::system::error_category& body_error_category() {
  static const Category category;
  return category;
}

boost::system::error_code make_error_code(BodyError e) {
  return {static_cast<int>(e), body_error_category()};
}

Response body_error_response(boost::system::error_code ec) {
  namespace bhttp = boost::beast::http;
  Response r;
  if (ec == bhttp::error::body_limit || ec == boost::asio::error::message_size) {
    r = error_response(413, "body_too_large", "request body exceeds the limit");
  } else if (ec == BodyError::trailers_too_large) {
    r = error_response(431, "header_too_large", ec.message());
  } else if (ec == BodyError::timed_out) {
    r = error_response(408, "request_timeout", ec.message());
  } else if (ec.category() == body_error_category()) {
    r = error_response(400, "bad_request", "malformed request body: " + ec.message());
  } else {
    r = error_response(400, "bad_request", "malformed or incomplete request body: " + ec.message());
  }
  r.close = true;
  return r;
}

bool is_malformed_message(boost::system::error_code ec) {
  namespace bhttp = boost::beast::http;
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace conv::http
