#pragma once

// Certificates for the TLS tests, made at run time by tests/support/make_test_certs.sh (the
// openssl CLI) into a fresh temporary directory, once per test process. See that script for
// what each file is.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace conv::testing {

class TestCerts {
 public:
  // The process's certificates, made on first use.
  static const TestCerts& get() {
    static const TestCerts certs;
    return certs;
  }
  // "server.pem" -> its full path.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  const std::filesystem::path& dir() const { return dir_; }

  ~TestCerts() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  TestCerts() {
    std::string pattern = (std::filesystem::temp_directory_path() / "conv-certs.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const std::string cmd = std::string("bash '") + CONV_SOURCE_DIR +
                            "/tests/support/make_test_certs.sh' '" + dir_.string() + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make_test_certs.sh failed");
  }
  std::filesystem::path dir_;
};

}  // namespace conv::testing
