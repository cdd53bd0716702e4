#include "conv/version.hpp"

namespace conv {

std::string_view version() {
  return CONV_VERSION;
}

std::string_view server_header() {
  return "conv/" CONV_VERSION;
}

}  // namespace conv
