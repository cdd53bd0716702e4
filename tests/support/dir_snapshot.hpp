#pragma once

// Every file of a directory, each with a hash of its bytes and its modification time: equal
// snapshots taken around something show that it wrote nothing there (nor created, nor removed).

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace conv::testing {

inline std::vector<std::string> dir_snapshot(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    files.push_back(entry.path().filename().string() + " " +
                    std::to_string(std::hash<std::string>{}(bytes)) + " " +
                    std::to_string(entry.last_write_time().time_since_epoch().count()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Moves `file`'s modification time a day back: a write after it shows even within the
// filesystem's timestamp granularity.
inline void backdate(const std::filesystem::path& file) {
  std::filesystem::last_write_time(file,
                                   std::filesystem::last_write_time(file) - std::chrono::hours(24));
}

}  // namespace conv::testing
