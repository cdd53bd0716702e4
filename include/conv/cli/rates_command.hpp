#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace conv::cli {

// `conv rates import FILE [--format ecb-xml|ptax-json] [--currency C] [--store PATH]`: loads a
// provider's file (the ECB's eurofxref-hist.xml, a PTAX answer) into the history store.
// `conv rates show [--date YYYY-MM-DD] [--provider P] [--store PATH]`: prints the rates in
// force on that day (default: the latest), and which day they are from. Exit 0, 1 when the
// store has nothing for that day, 2 on bad usage or a file or store that cannot be used.
class RatesCommand {
 public:
  explicit RatesCommand(CLI::App& app);
  bool selected() const { return cmd_->parsed(); }
  int run();

 private:
  int import() const;
  int show() const;

  CLI::App* cmd_;
  CLI::App* import_;
  CLI::App* show_;
  std::string store_ = "/var/lib/conv/rates.db";
  std::string file_;
  std::string format_ = "ecb-xml";
  std::string currency_;
  std::string date_;
  std::string provider_ = "ecb";
};

}  // namespace conv::cli
