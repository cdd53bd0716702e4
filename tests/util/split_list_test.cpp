#include "conv/util/split_list.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <string_view>
#include <vector>

namespace conv::util {
namespace {

using Items = std::vector<std::string_view>;

Items items(std::string_view list, char separator = ',') {
  Items out;
  for (const std::string_view item : split_list(list, separator)) out.push_back(item);
  return out;
}

TEST(SplitList, EveryItemBetweenSeparatorsAsItIs) {
  EXPECT_EQ(items("ecb,bcb_ptax"), (Items{"ecb", "bcb_ptax"}));
  EXPECT_EQ(items("USD"), (Items{"USD"}));
  EXPECT_EQ(items("a, b ,c"), (Items{"a", " b ", "c"}));  // nothing trimmed
  EXPECT_EQ(items("a;b,c", ';'), (Items{"a", "b,c"}));
}

TEST(SplitList, EmptyItemsAreKept) {
  EXPECT_EQ(items(""), (Items{""}));
  EXPECT_EQ(items(","), (Items{"", ""}));
  EXPECT_EQ(items("a,,b"), (Items{"a", "", "b"}));
  EXPECT_EQ(items(",a"), (Items{"", "a"}));
  EXPECT_EQ(items("a,"), (Items{"a", ""}));
}

TEST(SplitList, ItemsPointIntoTheList) {
  const std::string_view list = "ab,cd";
  const Items found = items(list);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].data(), list.data());
  EXPECT_EQ(found[1].data(), list.data() + 3);
}

TEST(SplitList, IsAnInputRange) {
  const SplitList list = split_list("a,b");
  static_assert(std::input_iterator<SplitList::iterator>);
  EXPECT_EQ(std::distance(list.begin(), list.end()), 2);
  EXPECT_EQ(*list.begin(), "a");
}

}  // namespace
}  // namespace conv::util
