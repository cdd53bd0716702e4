#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace conv::test {

// The text of a page of the source tree's docs/ ("configuration.md"), for tests that check a
// page against the code it describes; empty if it cannot be read. CMake passes the source
// directory (CONV_SOURCE_DIR), so the tests read the tree they were built from.
inline std::string docs_page(std::string_view name) {
  std::ifstream in(std::string(CONV_SOURCE_DIR) + "/docs/" + std::string(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace conv::test
