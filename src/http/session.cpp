#include "conv/http/session.hpp"

#include "conv/http/impl/session.hpp"

namespace conv::http::detail {

// The one stream type a server runs today; TLS would add both for TlsStream here.
template class SessionStream<PlainStream>;
template class BasicSession<PlainStream>;

}  // namespace conv::http::detail
