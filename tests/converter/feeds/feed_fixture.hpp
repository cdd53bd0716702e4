#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace conv::converter {

// A provider's recorded answer, from tests/converter/data/feeds/ (never empty: a missing
// file fails the test).
inline std::string feed_fixture(const std::string& name) {
  std::ifstream in(std::string(CONV_TEST_DATA_DIR) + "/feeds/" + name);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

}  // namespace conv::converter
