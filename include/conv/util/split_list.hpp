#pragma once

#include <string_view>
#include <vector>

namespace conv::util {

// The items of `list` between each `separator`, as they are: "a,,b" is "a", "" and "b", "" is
// one empty item, "a," ends in one. No whitespace is trimmed. The views point into `list`.
std::vector<std::string_view> split_list(std::string_view list, char separator = ',');

}  // namespace conv::util
