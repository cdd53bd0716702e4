#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "conv/util/published.hpp"

struct ssl_ctx_st;

namespace conv::tls {

// The keys session tickets are sealed with (OpenSSL's ticket key callback does the crypto:
// AES-256-CBC and HMAC-SHA256, as its manual's example). New keys are made from OpenSSL's
// random generator at start and every `rotation`; tickets sealed with the previous key are
// still accepted (and renewed), so a stolen key opens at most two periods of sessions, and a
// restart forgets them all. Shared by every certificate context and kept across reloads, so a
// reload does not cost clients their resumption. Safe to use from any thread: the keys are an
// immutable ring swapped atomically.
class TicketKeys {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TicketKeys(std::chrono::seconds rotation, Clock::time_point now = Clock::now());

  // Makes `ctx` seal and open its tickets with these keys (which must outlive it).
  void install(ssl_ctx_st* ctx);
  // Rotates if the current key is older than the rotation period; called on each use.
  void rotate_if_due(Clock::time_point now);
  std::uint64_t rotations() const { return rotations_.load(std::memory_order_relaxed); }

  struct Key {
    std::array<unsigned char, 16> name;
    std::array<unsigned char, 32> aes;
    std::array<unsigned char, 32> hmac;
  };
  struct Ring {
    Key current;
    Key previous;
    Clock::time_point made;
  };
  // Valid until this thread calls ring() again (see util::Published).
  const Ring* ring() const { return ring_.current(); }

 private:
  static Key make_key();

  std::chrono::seconds rotation_;
  util::Published<Ring> ring_;
  std::mutex rotating_;  // one thread rotates; readers never take it
  std::atomic<std::uint64_t> rotations_{0};
};

}  // namespace conv::tls
