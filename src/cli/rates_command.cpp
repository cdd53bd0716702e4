#include "conv/cli/rates_command.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "conv/cli/app.hpp"
#include "conv/converter/feeds/ecb_xml.hpp"
#include "conv/converter/feeds/ptax_json.hpp"
#include "conv/converter/history.hpp"
#include "conv/converter/rates_db.hpp"

namespace conv::cli {

namespace {

constexpr std::string_view kWho = "conv rates";
constexpr std::size_t kMaxFile = 64 * 1024 * 1024;  // the ECB's whole history is ~7 MiB

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open the file";
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().size() > kMaxFile) {
    error = path + ": larger than 64 MiB";
    return std::nullopt;
  }
  return s.str();
}

}  // namespace

RatesCommand::RatesCommand(CLI::App& app)
    : cmd_(app.add_subcommand("rates", "Import and show the stored exchange-rate history")) {
  cmd_->require_subcommand(1, 1);
  cmd_->add_option("--store", store_, "The history store (SQLite), created if missing")
      ->capture_default_str();
  import_ = cmd_->add_subcommand("import", "Load a provider's file into the store");
  import_->add_option("file", file_, "The file: the ECB's eurofxref(-hist).xml, or a PTAX answer")
      ->required();
  import_->add_option("--format", format_, "ecb-xml or ptax-json")
      ->check(CLI::IsMember({"ecb-xml", "ptax-json"}))
      ->capture_default_str();
  import_->add_option("--currency", currency_, "ptax-json only: the currency the answer is for");
  show_ = cmd_->add_subcommand("show", "Print the rates in force on a day");
  show_->add_option("--date", date_, "YYYY-MM-DD (default: the latest stored)");
  show_->add_option("--provider", provider_, "ecb or bcb_ptax")->capture_default_str();
  // --store may follow the subcommand too.
  import_->fallthrough();
  show_->fallthrough();
}

int RatesCommand::run() {
  try {
    return import_->parsed() ? import() : show();
  } catch (const converter::StoreError& e) {
    std::cerr << kWho << ": store: " << e.what() << "\n";
  } catch (const converter::FeedError& e) {
    std::cerr << kWho << ": " << file_ << ":" << e.what() << "\n";
  }
  return kUsageExit;
}

int RatesCommand::import() const {
  if (format_ == "ptax-json" && (currency_.size() != 3)) {
    return usage_error("conv rates import", "--currency is required with --format ptax-json");
  }
  std::string error;
  const auto text = read_file(file_, error);
  if (!text) return usage_error("conv rates import", error);
  const auto days = format_ == "ecb-xml" ? converter::parse_ecb_xml(*text)
                                         : converter::parse_ptax_json(*text, currency_);
  converter::RatesDb db(store_);
  db.save(days);
  std::cout << "imported " << days.size() << " day(s)";
  if (!days.empty()) {
    const auto [first, last] = std::minmax_element(
        days.begin(), days.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
    std::cout << " of " << days.front().provider << ", " << first->date.text() << " to "
              << last->date.text();
  }
  std::cout << ", into " << store_ << "\n";
  return 0;
}

int RatesCommand::show() const {
  std::optional<converter::Date> date;
  if (!date_.empty()) {
    date = converter::Date::parse(date_);
    if (!date) return usage_error("conv rates show", "--date '" + date_ + "': expected YYYY-MM-DD");
  }
  const converter::RatesDb db(store_);
  const converter::RateHistory history(db.load(provider_));
  const converter::PublishedDay* day = date ? history.on(*date) : history.latest();
  if (!day) {
    std::cerr << kWho << ": no " << provider_ << " rates stored"
              << (date ? " on or before " + date->text() : std::string()) << " in " << store_
              << "\n";
    return 1;
  }
  std::cout << day->date.text() << " " << day->provider << " ("
            << (day->direction == converter::PublishedDay::Direction::per_base
                    ? "units one " + day->base + " buys"
                    : day->base + " per unit")
            << ")";
  if (date && day->date != *date) std::cout << ", in force on " << date->text();
  std::cout << "\n";
  for (const auto& [code, rate] : day->rates) std::cout << code << " " << rate.to_string() << "\n";
  return 0;
}

}  // namespace conv::cli
