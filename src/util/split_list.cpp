#include "conv/util/split_list.hpp"

namespace conv::util {

std::vector<std::string_view> split_list(std::string_view list, char separator) {
  std::vector<std::string_view> items;
  while (true) {
    const auto at = list.find(separator);
    items.push_back(list.substr(0, at));
    if (at == std::string_view::npos) return items;
    list.remove_prefix(at + 1);
  }
}

}  // namespace conv::util
