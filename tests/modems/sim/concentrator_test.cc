// Pools of answering ports: matching, capacity, release; --pool text and config checks.
#include "concentrator.h"

#include <gtest/gtest.h>

namespace dialsoak::sim {
namespace {

TEST(SimConcentratorTest, CallBeyondCapacityIsRefusedUntilOneHangsUp) {
  Concentrator c({PoolConfig{"5551234", 3, false}});
  std::vector<int> slots;
  for (int i = 0; i < 3; ++i) {
    auto s = c.Acquire(0);
    ASSERT_TRUE(s) << i;
    slots.push_back(*s);
  }
  EXPECT_EQ(slots, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(c.in_use(0), 3);
  EXPECT_FALSE(c.Acquire(0));  // the C+1-th call: BUSY
  c.Release(0, 1);
  EXPECT_EQ(c.in_use(0), 2);
  auto again = c.Acquire(0);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 1);  // the port freed at hang-up
  EXPECT_FALSE(c.Acquire(0));
}

TEST(SimConcentratorTest, UnlimitedPoolNeverRefuses) {
  Concentrator c({PoolConfig{}});
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(c.Acquire(0), Concentrator::kUnlimitedSlot);
  EXPECT_EQ(c.in_use(0), 10000);
  c.Release(0, Concentrator::kUnlimitedSlot);
  EXPECT_EQ(c.in_use(0), 9999);
}

TEST(SimConcentratorTest, ExactNumberBeforeWildcardAndNoMatch) {
  Concentrator any({PoolConfig{"*", 0, false}, PoolConfig{"5551234", 1, false}});
  EXPECT_EQ(any.Match("5551234"), 1);
  EXPECT_EQ(any.Match("999"), 0);
  Concentrator only({PoolConfig{"5551234", 1, false}});
  EXPECT_EQ(only.Match("5551234"), 0);
  EXPECT_FALSE(only.Match("5551235"));
  EXPECT_FALSE(only.Match(""));
}

TEST(SimConcentratorTest, PrefersTheSlotAskedFor) {
  Concentrator c({PoolConfig{"1", 4, true}});
  auto s = c.Acquire(0, [](int slot) { return slot == 2; });
  EXPECT_EQ(s, 2);
  auto t = c.Acquire(0, [](int) { return false; });
  EXPECT_EQ(t, 0);  // none preferred: the lowest free
}

TEST(SimPoolConfigTest, ParsesNumberCapacityAndPty) {
  auto p = ParsePoolConfig("5551234:24");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->number, "5551234");
  EXPECT_EQ(p->capacity, 24);
  EXPECT_FALSE(p->answer_ptys);
  auto q = ParsePoolConfig("*:2:pty");
  ASSERT_TRUE(q) << q.error();
  EXPECT_EQ(q->number, "*");
  EXPECT_TRUE(q->answer_ptys);
  EXPECT_EQ(ParsePoolConfig("*:0")->capacity, 0);
}

TEST(SimPoolConfigTest, RejectsBadPoolsSayingWhatIsAllowed) {
  for (const char* bad : {"", "5551234", ":3", "555:x", "555:-1", "555:3:tty", "555:0:pty",
                          "555-1234:3", "555:3:pty:x", "555:99999"}) {
    auto p = ParsePoolConfig(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().find("NUMBER:C"), std::string::npos) << p.error();
  }
}

TEST(SimBankConfigTest, ChecksNameTheField) {
  EXPECT_FALSE(CheckBankConfig(BankConfig{}));
  struct Case {
    void (*spoil)(BankConfig&);
    const char* field;
  } cases[] = {
      {[](BankConfig& c) { c.ports = -1; }, "ports"},
      {[](BankConfig& c) { c.call.p_busy = 1.5; }, "call.p_busy"},
      {[](BankConfig& c) { c.call.p_no_carrier = -0.1; }, "call.p_no_carrier"},
      {[](BankConfig& c) { c.call.p_busy = c.call.p_no_answer = 0.6; }, "must not exceed 1"},
      {[](BankConfig& c) { c.call.connect_text = "33600\r\n"; }, "connect_text"},
      {[](BankConfig& c) { c.pools = {PoolConfig{"1", 0, true}}; }, "capacity >= 1"},
      {[](BankConfig& c) { c.pools = {PoolConfig{"x", 1, false}}; }, "pools: bad number"},
      {[](BankConfig& c) { c.ring_interval = {}; }, "ring_interval"},
      {[](BankConfig& c) {
         c.ports = 4000;
         c.pools = {PoolConfig{"1", 100, true}};
       },
       "ports"},
  };
  for (const Case& c : cases) {
    BankConfig config;
    c.spoil(config);
    auto problem = CheckBankConfig(config);
    ASSERT_TRUE(problem) << c.field;
    EXPECT_NE(problem->find(c.field), std::string::npos) << *problem;
  }
  BankConfig bad;
  bad.call.p_busy = 2;
  EXPECT_THROW(ModemBank::Start(bad), std::invalid_argument);
}

}  // namespace
}  // namespace dialsoak::sim
