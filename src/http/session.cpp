#include "conv/http/session.hpp"

#include "conv/http/impl/session.hpp"

namespace conv::http::detail {

// The stream types a server runs over: plain TCP and TLS.
template class SessionStream<PlainStream>;
template class BasicSession<PlainStream>;
template class SessionStream<TlsStream>;
template class BasicSession<TlsStream>;

}  // namespace conv::http::detail
