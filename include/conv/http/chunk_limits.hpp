#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "conv/http/body_error.hpp"

namespace conv::http {

// Bounds on chunked-body metadata, which Beast's parser would otherwise buffer without end:
// it parses a chunk-size line, or the last chunk with its trailers, only once all of it is
// in one buffer.

// The longest chunk-size line accepted, extensions and CRLF included (nginx and HAProxy
// refuse long ones too).
inline constexpr std::size_t kMaxChunkLine = 4096;

// How much of `buffered` to offer the parser when it stands at a chunk boundary (before a
// chunk-size line, after the CRLF that ends the previous chunk's data): all of it for an
// ordinary chunk, but only the line and `trailer_budget` bytes after a last chunk, so that
// trailers over the budget can never complete. A line not yet ended gets at most
// kMaxChunkLine bytes.
std::size_t chunk_header_window(std::string_view buffered, std::size_t trailer_budget);

// Checks what the parser is waiting to complete when it asks for more input at a chunk
// boundary (`starved`: everything buffered): a chunk-size line longer than kMaxChunkLine, or
// trailers over `trailer_budget`, is an error now rather than more memory.
std::optional<BodyError> check_chunk_metadata(std::string_view starved, std::size_t trailer_budget);

}  // namespace conv::http
