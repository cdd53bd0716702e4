#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace conv::util {

// The items of a list between each separator, as they are: "a,,b" is "a", "" and "b", "" is
// one empty item, "a," ends in one. No whitespace is trimmed. The items are views into the
// list, found as the loop goes: splitting allocates nothing (two of its users are on the
// request path).
class SplitList {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    iterator() = default;  // the end
    iterator(std::string_view list, char separator)
        : rest_(list), separator_(separator), ended_(false) {
      advance();
    }
    std::string_view operator*() const { return item_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool operator==(const iterator& other) const { return ended_ == other.ended_; }

   private:
    void advance() {
      if (last_) {
        ended_ = true;
        return;
      }
      const auto at = rest_.find(separator_);
      item_ = rest_.substr(0, at);
      last_ = at == std::string_view::npos;
      if (!last_) rest_.remove_prefix(at + 1);
    }

    std::string_view rest_;
    std::string_view item_;
    char separator_ = ',';
    bool last_ = false;
    bool ended_ = true;  // a default iterator is the end
  };

  SplitList(std::string_view list, char separator) : list_(list), separator_(separator) {}
  iterator begin() const { return {list_, separator_}; }
  iterator end() const { return {}; }

 private:
  std::string_view list_;
  char separator_;
};

inline SplitList split_list(std::string_view list, char separator = ',') {
  return {list, separator};
}

}  // namespace conv::util
