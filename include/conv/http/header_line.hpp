#pragma once

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

}  // namespace conv::http
