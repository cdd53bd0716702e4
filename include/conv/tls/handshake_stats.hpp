#pragma once

#include <array>
#include <atomic>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string_view>

namespace conv::tls {

// Why a handshake failed, in the few words an operator can act on.
enum class HandshakeFailure : std::uint8_t {
  protocol_version,         // TLS 1.1 or older, or not TLS at all
  no_shared_cipher,         // nothing in common (suites, groups, signature algorithms)
  client_certificate,       // mTLS: none sent, or not from the configured CA
  no_application_protocol,  // ALPN offered only protocols we do not speak
  http_request,             // plain HTTP sent to the TLS port
  timeout,                  // not finished within the header timeout
  closed,                   // the client closed or reset the connection mid-handshake
  other,
};
inline constexpr std::size_t kHandshakeFailureKinds = 8;
std::string_view to_string(HandshakeFailure f);

// What a failed handshake's error says.
HandshakeFailure classify_handshake_error(const boost::system::error_code& ec, bool timed_out);

// Handshakes of one TLS listener, counted from every thread (once per connection, not per
// request).
class HandshakeStats {
 public:
  void count_success(bool resumed) {
    (resumed ? resumed_ : full_).fetch_add(1, std::memory_order_relaxed);
  }
  void count_failure(HandshakeFailure why) {
    failures_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t full() const { return full_.load(std::memory_order_relaxed); }
  std::uint64_t resumed() const { return resumed_.load(std::memory_order_relaxed); }
  std::uint64_t failures(HandshakeFailure why) const {
    return failures_[static_cast<std::size_t>(why)].load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> full_{0};
  std::atomic<std::uint64_t> resumed_{0};
  std::array<std::atomic<std::uint64_t>, kHandshakeFailureKinds> failures_{};
};

}  // namespace conv::tls
