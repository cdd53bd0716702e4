#include "conv/util/split_list.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace conv::util {
namespace {

using Items = std::vector<std::string_view>;

TEST(SplitList, EveryItemBetweenSeparatorsAsItIs) {
  EXPECT_EQ(split_list("ecb,bcb_ptax"), (Items{"ecb", "bcb_ptax"}));
  EXPECT_EQ(split_list("USD"), (Items{"USD"}));
  EXPECT_EQ(split_list("a, b ,c"), (Items{"a", " b ", "c"}));  // nothing trimmed
  EXPECT_EQ(split_list("a;b,c", ';'), (Items{"a", "b,c"}));
}

TEST(SplitList, EmptyItemsAreKept) {
  EXPECT_EQ(split_list(""), (Items{""}));
  EXPECT_EQ(split_list(","), (Items{"", ""}));
  EXPECT_EQ(split_list("a,,b"), (Items{"a", "", "b"}));
  EXPECT_EQ(split_list(",a"), (Items{"", "a"}));
  EXPECT_EQ(split_list("a,"), (Items{"a", ""}));
}

TEST(SplitList, ItemsPointIntoTheList) {
  const std::string_view list = "ab,cd";
  const auto items = split_list(list);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].data(), list.data());
  EXPECT_EQ(items[1].data(), list.data() + 3);
}

}  // namespace
}  // namespace conv::util
