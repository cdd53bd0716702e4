// The ECB feed parser (src/converter/feeds/ecb_xml.cpp) on arbitrary bytes, as a hostile or
// broken upstream could send them: it either throws FeedError or returns days that
//  - are real, distinct dates, each with at least one rate;
//  - have only three-capital-letter codes and positive rates of at most 32 characters;
//  - read back the same from themselves written as an ECB file.
#include "conv/converter/feeds/ecb_xml.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

using namespace conv::converter;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what.c_str());
  std::abort();
}

void check_days(const std::vector<PublishedDay>& days) {
  if (days.empty()) finding("no day, and no error");
  std::set<std::int32_t> seen;
  for (const auto& d : days) {
    if (!Date::parse(d.date.text()) || Date::parse(d.date.text())->days() != d.date.days()) {
      finding("a date that does not read back: " + d.date.text());
    }
    if (!seen.insert(d.date.days()).second) finding("a day twice: " + d.date.text());
    if (d.rates.empty()) finding("a day without rates: " + d.date.text());
    if (d.base != "EUR" || d.provider != "ecb") finding("not the ECB's euro base");
    for (const auto& [code, rate] : d.rates) {
      const bool letters =
          code.size() == 3 &&
          code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
      if (!letters) finding("a bad code: " + code);
      if (rate.sign() <= 0 || rate.to_string().size() > 32) finding(code + ": " + rate.to_string());
    }
  }
}

std::string to_xml(const std::vector<PublishedDay>& days) {
  std::string out = "<gesmes:Envelope xmlns:gesmes=\"g\" xmlns=\"e\"><Cube>";
  for (const auto& d : days) {
    out += "<Cube time=\"" + d.date.text() + "\">";
    for (const auto& [code, rate] : d.rates) {
      out += "<Cube currency=\"" + code + "\" rate=\"" + rate.to_string() + "\"/>";
    }
    out += "</Cube>";
  }
  return out + "</Cube></gesmes:Envelope>";
}

void check_round_trip(const std::vector<PublishedDay>& days) {
  const std::string xml = to_xml(days);
  std::vector<PublishedDay> again;
  try {
    again = parse_ecb_xml(xml);
  } catch (const FeedError& e) {
    finding(std::string("the days written back are refused: ") + e.what() + "\n" + xml);
  }
  bool same = again.size() == days.size();
  for (std::size_t i = 0; same && i < days.size(); ++i) {
    same = again[i].date == days[i].date && again[i].rates == days[i].rates;
  }
  if (!same) finding("written back and read again, the days differ:\n" + xml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto days = parse_ecb_xml(text);
    check_days(days);
    check_round_trip(days);
  } catch (const FeedError&) {
  }
  return 0;
}
