#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

#include "conv/http/response.hpp"

namespace conv::http {

// Why a request body could not be received, beyond what Beast's parser reports itself.
enum class BodyError {
  chunk_line_too_long = 1,  // a chunk-size line over kMaxChunkLine (chunk_limits.hpp)
  trailers_too_large,       // header block and trailer section together over the header limit
  timed_out,                // the body did not arrive within its deadline
};

const boost::system::error_category& body_error_category();
boost::system::error_code make_error_code(BodyError e);

// The one answer to a request whose body failed (`ec` from the parser, the socket or the
// checks above): 413 over the body limit, 431 trailers over the header limit, 408 too slow,
// 400 otherwise. It closes the connection: the rest of the body is unread.
Response body_error_response(boost::system::error_code ec);

// Whether Beast's parser refused a peer's message as malformed (a bad head or chunk, a head
// over its limit), as opposed to the connection ending before it was whole (end_of_stream,
// partial_message) or failing: a "malformed" rather than a "reset" on /metrics.
bool is_malformed_message(boost::system::error_code ec);

}  // namespace conv::http

namespace boost::system {
template <>
struct is_error_code_enum<conv::http::BodyError> : std::true_type {};
}  // namespace boost::system
