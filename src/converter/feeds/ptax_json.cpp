#include "conv/converter/feeds/ptax_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <set>
#include <string>

namespace conv::converter {

namespace {

using boost::system::error_code;
using JsonView = boost::json::string_view;

constexpr unsigned kMaxDecimals = 8;
constexpr std::size_t kMaxText = 64;  // any field we read; PTAX's are about 25 characters

// One entry of "value": the fields read, as text.
struct Bulletin {
  std::string rate, when, kind;
  bool rate_is_number = false;  // PTAX writes numbers; a string there is another format
};

// A basic_parser handler: collects the entries of the top-level "value" array, keeping the
// text of numbers. Depth 1 is the document's object, 2 the array, 3 an entry.
class Collector {
 public:
  static constexpr std::size_t max_array_size = 100'000;
  static constexpr std::size_t max_object_size = 64;
  static constexpr std::size_t max_string_size = 4096;
  static constexpr std::size_t max_key_size = 64;

  std::vector<Bulletin> entries;
  bool saw_value = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code& ec) {
    if (depth_ == 1 && key_ == "value") {
      saw_value = true;
      in_value_ = true;
    }
    return enter(ec);
  }
  bool on_array_end(std::size_t, error_code&) {
    if (depth_ == 2) in_value_ = false;
    return leave();
  }
  bool on_object_begin(error_code& ec) {
    if (in_value_ && depth_ == 2) entries.emplace_back();
    return enter(ec);
  }
  bool on_object_end(std::size_t, error_code&) { return leave(); }
  bool on_key_part(JsonView s, std::size_t, error_code& ec) { return part(s, ec); }
  bool on_key(JsonView s, std::size_t, error_code& ec) {
    if (!part(s, ec)) return false;
    key_ = std::move(text_);
    text_.clear();
    return true;
  }
  bool on_string_part(JsonView s, std::size_t, error_code& ec) { return part(s, ec); }
  bool on_string(JsonView s, std::size_t, error_code& ec) { return value(s, ec, false); }
  bool on_number_part(JsonView s, error_code& ec) { return part(s, ec); }
  bool on_int64(std::int64_t, JsonView s, error_code& ec) { return value(s, ec, true); }
  bool on_uint64(std::uint64_t, JsonView s, error_code& ec) { return value(s, ec, true); }
  bool on_double(double, JsonView s, error_code& ec) { return value(s, ec, true); }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(JsonView, error_code&) { return true; }
  bool on_comment(JsonView, error_code&) { return true; }

 private:
  bool enter(error_code& ec) {
    if (++depth_ > 8) {
      ec = boost::json::error::too_deep;
      return false;
    }
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
  bool part(JsonView s, error_code& ec) {
    if (text_.size() + s.size() > kMaxText) {
      // Only the fields of an entry are kept; longer text elsewhere is fine, and dropped.
      if (!in_entry()) return true;
      ec = boost::json::error::string_too_large;
      return false;
    }
    text_.append(s.data(), s.size());
    return true;
  }
  // A whole scalar: kept if it is a field of an entry that we read.
  bool value(JsonView s, error_code& ec, bool number) {
    if (!part(s, ec)) return false;
    if (in_entry()) {
      auto& e = entries.back();
      if (key_ == "cotacaoVenda") {
        e.rate = text_;
        e.rate_is_number = number;
      }
      if (key_ == "dataHoraCotacao") e.when = text_;
      if (key_ == "tipoBoletim") e.kind = text_;
    }
    text_.clear();
    return true;
  }
  bool in_entry() const { return in_value_ && depth_ == 3; }

  int depth_ = 0;
  bool in_value_ = false;
  std::string key_;
  std::string text_;
};

PublishedDay closing_day(const Bulletin& b, std::string_view currency) {
  // "2024-10-03 13:09:27.853": the day is the first ten characters.
  const auto date = Date::parse(std::string_view(b.when).substr(0, 10));
  if (!date || (b.when.size() > 10 && b.when[10] != ' ')) {
    throw FeedError("dataHoraCotacao: expected a time such as 2024-10-03 13:09:27.853, not \"" +
                    b.when + "\"");
  }
  auto rate = Decimal::parse(b.rate, 32);
  if (!b.rate_is_number || !rate || rate->sign() <= 0 || rate->scale() > kMaxDecimals) {
    throw FeedError(date->text() + ": cotacaoVenda: expected a positive rate of at most " +
                    std::to_string(kMaxDecimals) + " decimal places, not \"" + b.rate + "\"");
  }
  PublishedDay day;
  day.date = *date;
  day.provider = "bcb_ptax";
  day.base = "BRL";
  day.direction = PublishedDay::Direction::in_base;
  day.rates.emplace(std::string(currency), std::move(*rate));
  return day;
}

}  // namespace

std::vector<PublishedDay> parse_ptax_json(std::string_view json, std::string_view currency) {
  boost::json::basic_parser<Collector> parser(boost::json::parse_options{});
  error_code ec;
  const std::size_t used = parser.write_some(false, json.data(), json.size(), ec);
  if (!ec && used != json.size()) ec = boost::json::error::extra_data;
  if (ec) throw FeedError("not the JSON of an OData answer: " + ec.message());
  const Collector& c = parser.handler();
  if (!c.saw_value) throw FeedError("no \"value\" array: not an OData answer");
  std::vector<PublishedDay> days;
  std::set<std::int32_t> seen;
  for (const auto& b : c.entries) {
    if (!b.kind.starts_with("Fechamento")) continue;  // "Fechamento", or "Fechamento PTAX"
    PublishedDay day = closing_day(b, currency);
    if (!seen.insert(day.date.days()).second) {
      throw FeedError(day.date.text() + ": two closing bulletins");
    }
    days.push_back(std::move(day));
  }
  return days;
}

}  // namespace conv::converter
