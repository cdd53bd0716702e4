#pragma once

// Reads the golden files under tests/converter/data (written by
// tests/tools/gen_python_vectors.py): '#' comment lines, then "input<TAB>expected" lines.

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace conv::testing {

// The (input, expected) pairs of a golden file; empty if the file cannot be read or a line
// has no tab (the caller's size check then fails loudly).
inline std::vector<std::pair<std::string, std::string>> read_golden(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) return {};
    rows.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return rows;
}

}  // namespace conv::testing
