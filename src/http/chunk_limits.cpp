#include "conv/http/chunk_limits.hpp"

#include <algorithm>

namespace conv::http {

namespace {

// The CRLF that ends the previous chunk's data, which Beast parses with the next line.
std::size_t leading_crlf(std::string_view s) {
  return s.starts_with("\r\n") ? 2 : 0;
}

// A last-chunk line: one or more zeros, then extensions or the line end.
bool is_last_chunk(std::string_view line) {
  const auto end = line.find_first_not_of('0');
  return end > 0 && end != std::string_view::npos &&
         (line[end] == ';' || line[end] == '\r' || line[end] == ' ' || line[end] == '\t');
}

}  // namespace

std::size_t chunk_header_window(std::string_view buffered, std::size_t trailer_budget) {
  const std::size_t crlf = leading_crlf(buffered);
  const auto line = buffered.substr(crlf, kMaxChunkLine);
  const auto lf = line.find('\n');
  if (lf == std::string_view::npos) return std::min(buffered.size(), crlf + kMaxChunkLine);
  if (!is_last_chunk(line.substr(0, lf + 1))) return buffered.size();
  return std::min(buffered.size(), crlf + lf + 1 + trailer_budget);
}

std::optional<BodyError> check_chunk_metadata(std::string_view starved,
                                              std::size_t trailer_budget) {
  starved.remove_prefix(leading_crlf(starved));
  const auto lf = starved.find('\n');
  if (lf == std::string_view::npos) {
    if (starved.size() >= kMaxChunkLine) return BodyError::chunk_line_too_long;
    return std::nullopt;
  }
  if (lf + 1 > kMaxChunkLine) return BodyError::chunk_line_too_long;
  // A whole line, and still waiting: it was the last chunk, and its trailers are incomplete.
  if (starved.size() - (lf + 1) > trailer_budget) return BodyError::trailers_too_large;
  return std::nullopt;
}

}  // namespace conv::http
