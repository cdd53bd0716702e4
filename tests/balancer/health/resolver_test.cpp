#include "conv/balancer/health/resolver.hpp"

#include <gtest/gtest.h>

#include <string>

namespace conv::balancer {
namespace {

Endpoint ep(const char* ip, unsigned short port = 5000) {
  return {boost::asio::ip::make_address(ip), port};
}

// "a.b.c.d" per slot, "-" for a free one, joined by spaces.
std::string show(const SlotPlan& plan) {
  std::string s;
  for (const auto& slot : plan.slots) {
    if (!s.empty()) s += ' ';
    s += slot ? slot->address().to_string() : "-";
  }
  return s;
}

TEST(PlanSlots, FillsFreeSlotsInAddressOrder) {
  const auto plan = plan_slots({std::nullopt, std::nullopt, std::nullopt},
                               {ep("10.0.0.3"), ep("10.0.0.1"), ep("10.0.0.2")});
  EXPECT_EQ(show(plan), "10.0.0.1 10.0.0.2 10.0.0.3");
  EXPECT_EQ(plan.left_out, 0u);
}

TEST(PlanSlots, KeepsAddressesInTheirSlotsWhateverTheDnsOrder) {
  const std::vector<std::optional<Endpoint>> now{ep("10.0.0.9"), ep("10.0.0.1"), std::nullopt};
  EXPECT_EQ(show(plan_slots(now, {ep("10.0.0.1"), ep("10.0.0.9")})), "10.0.0.9 10.0.0.1 -");
  EXPECT_EQ(show(plan_slots(now, {ep("10.0.0.9"), ep("10.0.0.1")})), "10.0.0.9 10.0.0.1 -");
}

TEST(PlanSlots, ScalingUpTakesFreeSlotsAndDownFreesThem) {
  std::vector<std::optional<Endpoint>> now{ep("10.0.0.1"), ep("10.0.0.2"), std::nullopt,
                                           std::nullopt};
  auto up = plan_slots(now, {ep("10.0.0.1"), ep("10.0.0.2"), ep("10.0.0.7"), ep("10.0.0.5")});
  EXPECT_EQ(show(up), "10.0.0.1 10.0.0.2 10.0.0.5 10.0.0.7");
  auto down = plan_slots(up.slots, {ep("10.0.0.7"), ep("10.0.0.2")});
  EXPECT_EQ(show(down), "- 10.0.0.2 - 10.0.0.7");
  auto replaced = plan_slots(down.slots, {ep("10.0.0.7"), ep("10.0.0.2"), ep("10.0.0.8")});
  EXPECT_EQ(show(replaced), "10.0.0.8 10.0.0.2 - 10.0.0.7");
  EXPECT_EQ(show(plan_slots(replaced.slots, {})), "- - - -");
}

TEST(PlanSlots, CountsAddressesBeyondTheSlotsAndIgnoresDuplicates) {
  const auto plan = plan_slots({std::nullopt, std::nullopt},
                               {ep("10.0.0.1"), ep("10.0.0.1"), ep("10.0.0.2"), ep("10.0.0.3")});
  EXPECT_EQ(show(plan), "10.0.0.1 10.0.0.2");
  EXPECT_EQ(plan.left_out, 1u);
}

TEST(PlanSlots, MixesFamiliesAndTellsPortsApart) {
  const auto plan = plan_slots({std::nullopt, std::nullopt, std::nullopt},
                               {ep("::1"), ep("127.0.0.1"), ep("127.0.0.1", 5001)});
  ASSERT_TRUE(plan.slots[0] && plan.slots[1] && plan.slots[2]);
  EXPECT_EQ(*plan.slots[0], ep("127.0.0.1"));
  EXPECT_EQ(*plan.slots[1], ep("127.0.0.1", 5001));
  EXPECT_EQ(*plan.slots[2], ep("::1"));
}

}  // namespace
}  // namespace conv::balancer
