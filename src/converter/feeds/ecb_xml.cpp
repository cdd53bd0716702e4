#include "conv/converter/feeds/ecb_xml.hpp"

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <set>

#include "conv/converter/currency.hpp"

namespace conv::converter {

namespace {

constexpr std::size_t kMaxRateLength = 32;

const char* attribute(const XML_Char** attrs, const char* name) {
  for (; attrs[0] != nullptr; attrs += 2) {
    if (std::strcmp(attrs[0], name) == 0) return attrs[1];
  }
  return nullptr;
}

// The parse in progress: the days so far, and the first error (which stops expat).
struct State {
  XML_Parser parser = nullptr;
  std::vector<PublishedDay> days;
  std::set<std::int32_t> seen;
  std::string error;

  void fail(std::string what) {
    if (!error.empty()) return;
    error = std::to_string(XML_GetCurrentLineNumber(parser)) + ":" +
            std::to_string(XML_GetCurrentColumnNumber(parser) + 1) + ": " + std::move(what);
    XML_StopParser(parser, XML_FALSE);
  }

  void start_day(std::string_view time) {
    const auto date = Date::parse(time);
    if (!date)
      return fail("expected a date such as 2024-10-03 in time=\"" + std::string(time) + "\"");
    if (!seen.insert(date->days()).second)
      return fail("the day " + date->text() + " is listed twice");
    close_day();
    PublishedDay day;
    day.date = *date;
    day.provider = "ecb";
    day.base = "EUR";
    day.direction = PublishedDay::Direction::per_base;
    days.push_back(std::move(day));
  }

  void rate(std::string_view code, std::string_view value) {
    if (days.empty()) return fail("a rate outside a day's Cube");
    if (!is_currency_code(code))
      return fail("expected a currency code such as USD, not \"" + std::string(code) + "\"");
    auto d = Decimal::parse(value, kMaxRateLength);
    if (!d || d->sign() <= 0) {
      return fail(std::string(code) + ": expected a positive decimal rate, not \"" +
                  std::string(value) + "\"");
    }
    if (!days.back().rates.emplace(std::string(code), std::move(*d)).second) {
      return fail(std::string(code) + " is listed twice on " + days.back().date.text());
    }
  }

  // A day must have rates: an empty one is a truncated or broken feed.
  void close_day() {
    if (!days.empty() && days.back().rates.empty()) fail(days.back().date.text() + " has no rates");
  }
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** attrs) {
  auto& s = *static_cast<State*>(user);
  if (std::strcmp(name, "Cube") != 0) return;
  if (const char* time = attribute(attrs, "time")) {
    s.start_day(time);
  } else if (const char* currency = attribute(attrs, "currency")) {
    const char* rate = attribute(attrs, "rate");
    s.rate(currency, rate != nullptr ? rate : "");
  }
}

// A DOCTYPE could declare entities (a billion laughs, external files): an ECB file has none.
void XMLCALL on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<State*>(user)->fail("a document type declaration (refused)");
}

}  // namespace

std::vector<PublishedDay> parse_ecb_xml(std::string_view xml) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) throw FeedError("out of memory");
  State state;
  state.parser = parser.get();
  XML_SetUserData(parser.get(), &state);
  XML_SetStartElementHandler(parser.get(), on_start);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw FeedError("the document is too large");
  }
  const auto ok = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (ok == XML_STATUS_ERROR && state.error.empty()) {
    throw FeedError(std::to_string(XML_GetCurrentLineNumber(parser.get())) + ":" +
                    std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1) + ": " +
                    XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  state.close_day();
  if (!state.error.empty()) throw FeedError(state.error);
  if (state.days.empty()) throw FeedError("no day of rates in the document");
  return std::move(state.days);
}

}  // namespace conv::converter
