// The /proc text parsers and the name rule, on fixed inputs.
#include <gtest/gtest.h>

#include "name_scan_linux.h"
#include "proc_stat_linux.h"

namespace dialsoak::probes::detail {
namespace {

using namespace std::string_view_literals;

// A stat line shaped like the kernel's (fields 1..27), with a comm that holds spaces and
// parentheses; the numbers that matter are distinct so a field off by one shows.
constexpr std::string_view kStatLine =
    "4242 (a) b) (c) S 1 4242 4242 0 -1 4194560 120 0 0 0 7 3 0 0 20 0 "
    "5 0 987654 11223344 4321 18446744073709551615 1 1 0\n";

TEST(ProbeStatParseTest, TakesCommUpToTheLastParenthesis) {
  auto stat = ParseProcStat(kStatLine);
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->comm, "a) b) (c");
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->flags, 4194560u);
  EXPECT_EQ(stat->threads, 5);
  EXPECT_EQ(stat->start_time, 987654u);
  EXPECT_FALSE(stat->IsZombie());
  EXPECT_FALSE(stat->IsKernelThread());
}

TEST(ProbeStatParseTest, EndsAtFieldTwentyTwoSoAShortReadIsEnough) {
  auto stat = ParseProcStat("7 (sleep) Z 1 7 7 0 -1 2129984 1 0 0 0 0 0 0 0 20 0 1 0 55");
  ASSERT_TRUE(stat);
  EXPECT_TRUE(stat->IsZombie());
  EXPECT_TRUE(stat->IsKernelThread());  // 2129984 = 0x208040 has PF_KTHREAD
  EXPECT_EQ(stat->threads, 1);
  EXPECT_EQ(stat->start_time, 55u);
}

TEST(ProbeStatParseTest, RejectsLinesWithoutTheNeededFields) {
  EXPECT_FALSE(ParseProcStat(""));
  EXPECT_FALSE(ParseProcStat("4242 sleep S 1 2 3"));                                 // no comm
  EXPECT_FALSE(ParseProcStat("7 (sleep) S 1 7 7 0 -1 0 1 0 0 0 0 0 0 0 20 0 1 0"));  // no start
  EXPECT_FALSE(ParseProcStat("7 (sleep) S 1 7 7 0 -1 0 1 0 0 0 0 0 0 0 20 0 x 0 55"));
  EXPECT_FALSE(ParseProcStat("7 (sleep) SS 1 7 7 0 -1 0 1 0 0 0 0 0 0 0 20 0 1 0 55"));
}

TEST(ProbeStatParseTest, StatmResidentIsTheSecondField) {
  EXPECT_EQ(ParseStatmResident("2225 458 414 5 0 89 0\n"), 458);
  EXPECT_EQ(ParseStatmResident("2225 458"), 458);
  EXPECT_FALSE(ParseStatmResident("2225"));
  EXPECT_FALSE(ParseStatmResident("2225 x 414"));
  EXPECT_FALSE(ParseStatmResident(""));
}

TEST(ProbeStatParseTest, Argv0BaseNameIsTheLastPathPartOfTheFirstArgument) {
  EXPECT_EQ(Argv0BaseName("/bin/sleep\0"
                          "30\0"sv),
            "sleep");
  EXPECT_EQ(Argv0BaseName("pppd\0call\0isp\0"sv), "pppd");
  EXPECT_EQ(Argv0BaseName("-bash\0"sv), "-bash");
  EXPECT_EQ(Argv0BaseName("/usr/sbin/pppd"sv), "pppd");  // no NUL in a truncated read
  EXPECT_EQ(Argv0BaseName(""sv), "");                    // kernel thread
}

TEST(ProbeNameMatchTest, MatchesCommOrArgv0ButNotAPrefix) {
  EXPECT_TRUE(NameMatches("pppd", "pppd", ""));
  EXPECT_TRUE(NameMatches("pppd", "ppp-wrapper", "pppd"));
  EXPECT_FALSE(NameMatches("pppd", "pppd2", "pppd2"));
  EXPECT_FALSE(NameMatches("ppp", "pppd", "pppd"));
  // The kernel keeps 15 bytes of comm: a longer name matches by argv[0] only.
  EXPECT_FALSE(NameMatches("dialsoak-probe-1234", "dialsoak-probe-", "other"));
  EXPECT_TRUE(NameMatches("dialsoak-probe-1234", "dialsoak-probe-", "dialsoak-probe-1234"));
}

}  // namespace
}  // namespace dialsoak::probes::detail
