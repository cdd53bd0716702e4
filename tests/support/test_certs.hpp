#pragma once

// Certificates for the TLS tests, made at run time by tests/support/make_test_certs.sh (the
// openssl CLI) into a fresh temporary directory, once per test process. See that script for
// what each file is.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/temp_dir.hpp"

namespace conv::testing {

class TestCerts {
 public:
  // The process's certificates, made on first use.
  static const TestCerts& get() {
    static const TestCerts certs;
    return certs;
  }
  // "server.pem" -> its full path.
  std::string path(const std::string& name) const { return dir_.file(name); }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TestCerts() {
    const std::string cmd = std::string("bash '") + CONV_SOURCE_DIR +
                            "/tests/support/make_test_certs.sh' '" + dir_.path().string() + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make_test_certs.sh failed");
  }
  TempDir dir_{"conv-certs"};
};

}  // namespace conv::testing
