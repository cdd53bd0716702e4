#include "conv/util/json_text.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value_stack.hpp>
#include <set>
#include <vector>

namespace conv::util {

namespace json = boost::json;
using boost::system::error_code;

namespace {

json::parse_options options() {
  json::parse_options o;
  o.allow_comments = true;
  o.allow_trailing_commas = true;
  return o;
}

// Boost.JSON's SAX interface, building the value as boost::json::parse does (a value_stack)
// and finding a key that repeats in its object: one set of keys per object being read.
class ValueBuilder {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  bool on_document_begin(error_code&) {
    stack_.reset();
    return true;
  }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_object_begin(error_code&) {
    objects_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, error_code&) {
    objects_.pop_back();
    stack_.push_object(n);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code& ec) {
    key_.append(s.data(), s.size());
    if (!objects_.back().insert(key_).second) {
      duplicate_ = key_;
      ec = json::error::syntax;  // any error: it stops the parser here
      return false;
    }
    key_.clear();
    stack_.push_key(s);
    return true;
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, error_code&) {
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, error_code&) {
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

  const std::string& duplicate() const { return duplicate_; }
  json::value release() { return stack_.release(); }

 private:
  json::value_stack stack_;
  std::vector<std::set<std::string, std::less<>>> objects_;
  std::string key_, duplicate_;
};

// Where the key whose closing quote is at `end` begins: its opening quote.
std::size_t key_start(std::string_view text, std::size_t end) {
  for (std::size_t i = std::min(end, text.size()); i-- > 0;) {
    if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) return i;
  }
  return end;
}

[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& what) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  throw JsonTextError(line, column, what);
}

}  // namespace

JsonTextError::JsonTextError(std::size_t line, std::size_t column, const std::string& what)
    : std::runtime_error(std::to_string(line) + ":" + std::to_string(column) + ": " + what),
      line_(line),
      column_(column) {}

json::value parse_json_text(std::string_view text) {
  json::basic_parser<ValueBuilder> parser(options());
  error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    const std::string& key = parser.handler().duplicate();
    if (!key.empty()) fail_at(text, key_start(text, used), "duplicate key \"" + key + "\"");
    fail_at(text, used, "not valid JSON: " + ec.message());
  }
  if (used < text.size()) fail_at(text, used, "not valid JSON: more after the value");
  return parser.handler().release();
}

}  // namespace conv::util
