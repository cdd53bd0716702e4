#include "conv/util/pretty_json.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <string_view>

namespace conv::util {

namespace {

namespace json = boost::json;

void write(const json::value& v, std::string& out, std::size_t depth);

void newline(std::string& out, std::size_t depth) {
  out += '\n';
  out.append(depth * 2, ' ');
}

// An object's members or an array's elements, one a line, between `open` and `close`.
template <typename Items, typename WriteOne>
void write_items(const Items& items, char open, char close, std::string& out, std::size_t depth,
                 WriteOne write_one) {
  out += open;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    newline(out, depth + 1);
    write_one(item);
  }
  if (!first) newline(out, depth);
  out += close;
}

void write(const json::value& v, std::string& out, std::size_t depth) {
  if (v.is_object()) {
    write_items(v.get_object(), '{', '}', out, depth, [&](const json::key_value_pair& member) {
      out += json::serialize(json::string_view(member.key()));
      out += ": ";
      write(member.value(), out, depth + 1);
    });
  } else if (v.is_array()) {
    write_items(v.get_array(), '[', ']', out, depth,
                [&](const json::value& element) { write(element, out, depth + 1); });
  } else if (v.is_double() && std::isfinite(v.get_double())) {
    // The shortest text that reads back the same, as people write it ("0.2", not "2E-1").
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v.get_double()).ptr;
    const std::string_view number(text, static_cast<std::size_t>(end - text));
    out += number;
    // Still a double when read back ("3.0", not the integer 3).
    if (number.find_first_of(".e") == std::string_view::npos) out += ".0";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& value) {
  std::string out;
  write(value, out, 0);
  out += '\n';
  return out;
}

}  // namespace conv::util
