#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace conv::http {

// Appends the header line "name: value\r\n" to `out`: one growth of the string and two
// copies, not four appends (the proxy writes a dozen of these per request and per response).
// `name` must be a valid token and `value` free of CR and LF.
inline void append_header(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t at = out.size();
  out.resize(at + name.size() + value.size() + 4);
  char* p = out.data() + at;
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = ':';
  *p++ = ' ';
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '\r';
  *p = '\n';
}

// The same with a number for the value ("Content-Length: 80").
inline void append_header(std::string& out, std::string_view name, std::uint64_t value) {
  char digits[20];  // the most a 64-bit number needs
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  append_header(out, name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace conv::http
