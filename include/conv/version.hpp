#pragma once

#include <string_view>

namespace conv {

// The release version, e.g. "0.1.0", taken from CMake's project(VERSION).
std::string_view version();

// The value of the Server header every response carries: "conv/<version>".
std::string_view server_header();

}  // namespace conv
