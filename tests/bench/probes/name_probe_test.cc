// The name probe: a process followed by name across restarts, by comm or argv[0], the
// newest of several namesakes, and never a zombie. Each test uses names made unique by
// this test process's pid, so parallel test runs do not see each other's children.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dialsoak/probes/process_probe.h"
#include "spawned_process.h"

namespace dialsoak::probes {
namespace {

using namespace std::chrono_literals;
using testing::CountFdsIndependently;
using testing::NamedSleepers;
using testing::SpawnedProcess;

// A name of at most 15 bytes (so the kernel's comm holds all of it).
std::string ShortName(const char* tag) {
  return std::string("dsp") + tag + std::to_string(::getpid());
}

// Start times count clock ticks (10 ms at USER_HZ 100): wait past one so that the next
// child is strictly newer.
void NextTick() { std::this_thread::sleep_for(30ms); }

class NameProbeTest : public ::testing::Test {
 protected:
  SpawnedProcess Start(const std::string& name) {
    return SpawnedProcess(sleepers_.Program(name), {name, "30"});
  }
  NamedSleepers sleepers_;
};

TEST_F(NameProbeTest, FollowsAProcessAcrossARestart) {
  const std::string name = ShortName("r");
  auto probe = MakeNameProbe(name);
  EXPECT_EQ(probe->label(), name);

  ResourceCounts none = probe->Sample();
  EXPECT_FALSE(none.alive);
  EXPECT_EQ(none.pid, 0);
  EXPECT_EQ(none.error, "no process named " + name);

  int first_pid = 0;
  {
    SpawnedProcess first = Start(name);
    first_pid = first.pid();
    const ResourceCounts s = probe->Sample();
    EXPECT_TRUE(s.alive) << s.error;
    EXPECT_EQ(s.pid, first.pid());
    EXPECT_EQ(s.handles, CountFdsIndependently(first.pid()));
    EXPECT_EQ(s.threads, 1);
    EXPECT_GT(s.resident_bytes, 0);
  }  // killed and reaped

  const ResourceCounts between = probe->Sample();
  EXPECT_FALSE(between.alive);
  EXPECT_EQ(between.error, "no process named " + name);

  SpawnedProcess second = Start(name);
  ASSERT_NE(second.pid(), first_pid);
  const ResourceCounts again = probe->Sample();
  EXPECT_TRUE(again.alive) << again.error;
  EXPECT_EQ(again.pid, second.pid());
}

TEST_F(NameProbeTest, MatchesArgv0WhenCommDiffers) {
  const std::string name = ShortName("a");
  // comm is "sleep" (the file run); argv[0] is the name, as a wrapper or pppd might set.
  SpawnedProcess child(NamedSleepers::SleepPath(), {"/opt/nowhere/" + name, "30"});
  const ResourceCounts s = MakeNameProbe(name)->Sample();
  EXPECT_TRUE(s.alive) << s.error;
  EXPECT_EQ(s.pid, child.pid());
}

TEST_F(NameProbeTest, MatchesANameLongerThanCommByArgv0) {
  const std::string name = "dialsoak-probe-" + std::to_string(::getpid()) + "-long";
  ASSERT_GT(name.size(), 15u);
  SpawnedProcess child = Start(name);
  const ResourceCounts s = MakeNameProbe(name)->Sample();
  EXPECT_TRUE(s.alive) << s.error;
  EXPECT_EQ(s.pid, child.pid());
  // comm alone ("dialsoak-probe-", truncated) is not the name: no prefix matching.
  NextTick();
  SpawnedProcess renamed(sleepers_.Program(name), {"renamed", "30"});
  const ResourceCounts r = MakeNameProbe(name)->Sample();
  EXPECT_EQ(r.pid, child.pid()) << "the newer process with only the truncated comm was taken";
}

TEST_F(NameProbeTest, FollowsTheNewestAndKeepsItWhileItLives) {
  const std::string name = ShortName("n");
  SpawnedProcess oldest = Start(name);
  NextTick();
  std::optional<SpawnedProcess> newer(std::in_place, sleepers_.Program(name),
                                      std::vector<std::string>{name, "30"});
  auto probe = MakeNameProbe(name);
  EXPECT_EQ(probe->Sample().pid, newer->pid());

  NextTick();
  SpawnedProcess newest = Start(name);
  EXPECT_EQ(probe->Sample().pid, newer->pid()) << "a live match is kept";

  newer.reset();  // killed and reaped
  EXPECT_EQ(probe->Sample().pid, newest.pid());
}

TEST_F(NameProbeTest, DoesNotMatchAZombie) {
  const std::string name = ShortName("z");
  SpawnedProcess child = Start(name);
  auto probe = MakeNameProbe(name);
  ASSERT_EQ(probe->Sample().pid, child.pid());

  ASSERT_TRUE(child.KillAndLeaveZombie());
  const ResourceCounts s = probe->Sample();
  EXPECT_FALSE(s.alive);
  EXPECT_EQ(s.pid, 0);
  // A fresh probe (which scans at once) does not take the zombie either.
  EXPECT_FALSE(MakeNameProbe(name)->Sample().alive);
}

TEST(NameProbeConfigTest, AnEmptyNameOrAPathIsAConfigurationError) {
  EXPECT_THROW(MakeNameProbe(""), std::invalid_argument);
  EXPECT_THROW(MakeNameProbe("/usr/sbin/pppd"), std::invalid_argument);
}

TEST_F(NameProbeTest, FindProcessesNamedListsEveryNamesakeOldestFirst) {
  const std::string name = ShortName("f");
  EXPECT_TRUE(FindProcessesNamed(name).empty());
  SpawnedProcess older = Start(name);
  NextTick();
  SpawnedProcess newer = Start(name);
  const std::vector<NamedProcess> found = FindProcessesNamed(name);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].pid, older.pid());
  EXPECT_EQ(found[1].pid, newer.pid());
  EXPECT_NE(found[0].command.find(" 30"), std::string::npos) << "the arguments too: " << found[0].command;
}

}  // namespace
}  // namespace dialsoak::probes
