#include "conv/tls/ticket_keys.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "conv/tls/certificate.hpp"

namespace conv::tls {

namespace {

// The ex_data slot of an SSL_CTX that points at its TicketKeys.
int keys_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool set_mac_key(EVP_MAC_CTX* mac, const TicketKeys::Key& key) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key.hmac.data()), key.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

// OpenSSL's ticket key callback (SSL_CTX_set_tlsext_ticket_key_evp_cb(3)): 1 sealed or opened
// with the current key, 2 opened with the previous one (OpenSSL then issues a fresh ticket),
// 0 an unknown key (a full handshake), -1 an error.
int on_ticket_key(SSL* ssl, unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                  EVP_MAC_CTX* mac, int seal) {
  auto* keys = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keys_index()));
  if (keys == nullptr) return -1;
  keys->rotate_if_due(TicketKeys::Clock::now());
  const TicketKeys::Ring* ring = keys->ring();
  if (seal) {
    const TicketKeys::Key& key = ring->current;
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return -1;
    std::memcpy(name, key.name.data(), key.name.size());
    if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1) return -1;
    return set_mac_key(mac, key) ? 1 : -1;
  }
  const bool current = std::equal(ring->current.name.begin(), ring->current.name.end(), name);
  const bool previous = std::equal(ring->previous.name.begin(), ring->previous.name.end(), name);
  if (!current && !previous) return 0;
  const TicketKeys::Key& key = current ? ring->current : ring->previous;
  if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1) return -1;
  if (!set_mac_key(mac, key)) return -1;
  return current ? 1 : 2;
}

}  // namespace

TicketKeys::TicketKeys(std::chrono::seconds rotation, Clock::time_point now) : rotation_(rotation) {
  ring_.publish(std::make_shared<const Ring>(Ring{make_key(), make_key(), now}));
}

TicketKeys::Key TicketKeys::make_key() {
  Key k;
  if (RAND_bytes(k.name.data(), k.name.size()) != 1 ||
      RAND_bytes(k.aes.data(), k.aes.size()) != 1 ||
      RAND_bytes(k.hmac.data(), k.hmac.size()) != 1) {
    throw TlsError("session ticket keys: " + openssl_error("no random bytes"));
  }
  return k;
}

void TicketKeys::rotate_if_due(Clock::time_point now) {
  if (rotation_.count() <= 0 || now - ring_.current()->made < rotation_) return;
  // One thread rotates; the others, once it has, see its ring.
  std::lock_guard lock(rotating_);
  const auto ring = ring_.snapshot();
  if (now - ring->made < rotation_) return;
  ring_.publish(std::make_shared<const Ring>(Ring{make_key(), ring->current, now}));
  rotations_.fetch_add(1, std::memory_order_relaxed);
}

void TicketKeys::install(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, keys_index(), this);
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, on_ticket_key);
}

}  // namespace conv::tls
