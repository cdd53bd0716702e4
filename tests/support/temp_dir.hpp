#pragma once

// A fresh directory for a test's files, under the system's temporary directory (TMPDIR, else
// /tmp), removed with everything in it when the TempDir goes.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace conv::testing {

class TempDir {
 public:
  // Made by mkdtemp as "<prefix>-XXXXXX"; throws if it cannot be.
  explicit TempDir(std::string_view prefix = "conv") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed: " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // "rates.db" -> its full path in the directory.
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace conv::testing
