#include "conv/balancer/proxy/body_relay.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace conv::balancer {
namespace {

// Fills the relay's buffer with `data` and frames it as the exchange does; returns the bytes
// that go on the wire.
std::string framed(BodyRelay& relay, Framing framing, std::string_view data, bool last) {
  std::memcpy(relay.data(), data.data(), data.size());
  std::string out;
  BodyRelay::append(out, relay.frame(framing, data.size(), last));
  return out;
}

TEST(BodyRelay, ChunkSizesAreLowercaseHex) {
  // The bytes the hand-written framing produced before Beast's chunk helpers did.
  BodyRelay relay;
  relay.reserve(Framing::chunked, 0);
  const std::string piece(26, 'x');
  EXPECT_EQ(framed(relay, Framing::chunked, piece, false), "1a\r\n" + piece + "\r\n");
  const std::string full(65536, 'y');
  EXPECT_EQ(framed(relay, Framing::chunked, full, false), "10000\r\n" + full + "\r\n");
}

TEST(BodyRelay, TheLastChunkEndsAChunkedBody) {
  BodyRelay relay;
  relay.reserve(Framing::chunked, 0);
  EXPECT_EQ(framed(relay, Framing::chunked, "", true), "0\r\n\r\n");
  EXPECT_EQ(framed(relay, Framing::chunked, "abc", true), "3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(framed(relay, Framing::chunked, "", false), "");
}

TEST(BodyRelay, OtherFramingsPassTheBytesAsTheyAre) {
  BodyRelay relay;
  relay.reserve(Framing::length, 5);
  EXPECT_EQ(framed(relay, Framing::length, "hello", true), "hello");
  EXPECT_EQ(framed(relay, Framing::close, "hel", false), "hel");
  EXPECT_EQ(framed(relay, Framing::length, "", true), "");
}

TEST(BodyRelay, SmallBodiesGetSmallBuffers) {
  BodyRelay relay;
  EXPECT_FALSE(relay.reserved());
  relay.reserve(Framing::length, 80);
  EXPECT_EQ(relay.size(), 80u);
  relay.reserve(Framing::length, 10);  // never shrinks: the request's buffer serves the response
  EXPECT_EQ(relay.size(), 80u);
  relay.reserve(Framing::length, 0);
  EXPECT_EQ(relay.size(), 80u);
  relay.reserve(Framing::chunked, 0);  // unknown length: a whole piece
  EXPECT_EQ(relay.size(), BodyRelay::kMaxPiece);
  BodyRelay big;
  big.reserve(Framing::length, 1 << 30);
  EXPECT_EQ(big.size(), BodyRelay::kMaxPiece);
  BodyRelay empty;
  empty.reserve(Framing::length, 0);
  EXPECT_EQ(empty.size(), 1u);
}

}  // namespace
}  // namespace conv::balancer
