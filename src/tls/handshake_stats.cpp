#include "conv/tls/handshake_stats.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace conv::tls {

std::string_view to_string(HandshakeFailure f) {
  switch (f) {
    case HandshakeFailure::protocol_version:
      return "protocol_version";
    case HandshakeFailure::no_shared_cipher:
      return "no_shared_cipher";
    case HandshakeFailure::client_certificate:
      return "client_certificate";
    case HandshakeFailure::no_application_protocol:
      return "no_application_protocol";
    case HandshakeFailure::http_request:
      return "http_request";
    case HandshakeFailure::timeout:
      return "timeout";
    case HandshakeFailure::closed:
      return "closed";
    case HandshakeFailure::other:
      break;
  }
  return "other";
}

HandshakeFailure classify_handshake_error(const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return HandshakeFailure::timeout;
  namespace net = boost::asio;
  if (ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::ssl::error::stream_truncated || ec == net::error::broken_pipe) {
    return HandshakeFailure::closed;
  }
  if (ec.category() != net::error::get_ssl_category()) return HandshakeFailure::other;
  switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_VERSION_TOO_LOW:
      return HandshakeFailure::protocol_version;
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SHARED_GROUPS:
    case SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
      return HandshakeFailure::no_shared_cipher;
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
      return HandshakeFailure::client_certificate;
    case SSL_R_NO_APPLICATION_PROTOCOL:
      return HandshakeFailure::no_application_protocol;
    case SSL_R_HTTP_REQUEST:
      return HandshakeFailure::http_request;
    default:
      return HandshakeFailure::other;
  }
}

}  // namespace conv::tls
