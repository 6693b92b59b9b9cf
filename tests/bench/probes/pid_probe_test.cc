// The pid probe on child processes: their counts while they run, "gone" once killed
// (reaped or not), a reused pid not mistaken for the process, and permission errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dialsoak/probes/process_probe.h"
#include "spawned_process.h"

namespace dialsoak::probes {
namespace {

using testing::CountFdsIndependently;
using ::testing::HasSubstr;
using testing::NamedSleepers;
using testing::ResidentBytesFromStatus;
using testing::SpawnedProcess;

SpawnedProcess StartSleep(int extra_fds = 0) {
  return SpawnedProcess(NamedSleepers::SleepPath(), {"sleep", "30"}, extra_fds);
}

TEST(PidProbeTest, SamplesAChildProcess) {
  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"}, /*extra_fds=*/4);
  auto probe = MakePidProbe(child.pid());
  EXPECT_EQ(probe->label(), "pid:" + std::to_string(child.pid()));

  const ResourceCounts s = probe->Sample();
  EXPECT_TRUE(s.alive) << s.error;
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.pid, child.pid());
  EXPECT_EQ(s.handles, CountFdsIndependently(child.pid()));
  EXPECT_GE(s.handles, 3 + 4);  // stdio and the four extra descriptors
  EXPECT_EQ(s.threads, 1);
  EXPECT_EQ(s.resident_bytes, ResidentBytesFromStatus(child.pid()));
  EXPECT_GT(s.resident_bytes, 0);
}

TEST(PidProbeTest, ReportsAKilledAndReapedChildAsGone) {
  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"});
  const int pid = child.pid();
  auto probe = MakePidProbe(pid);
  ASSERT_TRUE(probe->Sample().alive);

  child.Kill();
  child.Reap();
  for (int i = 0; i < 2; ++i) {  // and stays gone
    const ResourceCounts s = probe->Sample();
    EXPECT_FALSE(s.alive);
    EXPECT_EQ(s.pid, pid);
    EXPECT_EQ(s.error, "process " + std::to_string(pid) + " is gone");
    EXPECT_EQ(s.handles, 0);
    EXPECT_EQ(s.threads, 0);
  }
}

TEST(PidProbeTest, ReportsAnUnreapedChildAsGone) {
  SpawnedProcess child = StartSleep();
  auto probe = MakePidProbe(child.pid());
  ASSERT_TRUE(probe->Sample().alive);

  ASSERT_TRUE(child.KillAndLeaveZombie());
  const ResourceCounts s = probe->Sample();
  EXPECT_FALSE(s.alive);
  EXPECT_THAT(s.error, HasSubstr("process " + std::to_string(child.pid()) + " is gone"));
  EXPECT_THAT(s.error, HasSubstr("not yet reaped"));
}

TEST(PidProbeTest, APidNeverSeenIsGoneFromTheStart) {
  // Pick a pid that is free now: a reaped child's.
  int pid = 0;
  {
    SpawnedProcess child = StartSleep();
    pid = child.pid();
  }
  auto probe = MakePidProbe(pid);
  const ResourceCounts s = probe->Sample();
  EXPECT_FALSE(s.alive);
  EXPECT_THAT(s.error, HasSubstr("process " + std::to_string(pid) + " is gone"));
}

// Makes the next process the kernel creates get pid (through ns_last_pid, which needs
// CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN). False where that is not allowed.
bool SetNextPid(int pid) {
  std::ofstream last("/proc/sys/kernel/ns_last_pid");
  if (!last) return false;
  last << (pid - 1);
  last.flush();
  return static_cast<bool>(last);
}

TEST(PidProbeTest, DoesNotFollowAReusedPid) {
  std::optional<SpawnedProcess> first(std::in_place, NamedSleepers::SleepPath(),
                                      std::vector<std::string>{"sleep", "30"});
  const int pid = first->pid();
  auto probe = MakePidProbe(pid);
  ASSERT_TRUE(probe->Sample().alive);
  // The identity is pid and start time, in clock ticks (10 ms): a watched process lives
  // longer than a tick, so let this one too.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  first.reset();  // killed and reaped: pid is free

  std::optional<SpawnedProcess> second;
  for (int attempt = 0; attempt < 50 && !second; ++attempt) {
    if (!SetNextPid(pid)) GTEST_SKIP() << "cannot write /proc/sys/kernel/ns_last_pid";
    second.emplace(NamedSleepers::SleepPath(), std::vector<std::string>{"sleep", "30"});
    if (second->pid() != pid) second.reset();  // another process took it first; again
  }
  if (!second) GTEST_SKIP() << "could not get pid " << pid << " reused";

  ASSERT_EQ(::kill(pid, 0), 0);  // a live process holds the pid again
  const ResourceCounts s = probe->Sample();
  EXPECT_FALSE(s.alive);
  EXPECT_THAT(s.error, HasSubstr("its pid now belongs to another process"));
  // A fresh probe on the same pid sees the new process.
  EXPECT_TRUE(MakePidProbe(pid)->Sample().alive);
}

// Linux 6.2 on gives the number of open descriptors as the st_size of /proc/<pid>/fd.
bool KernelCountsFdsInStatSize() {
  struct stat st {};
  return ::stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
}

TEST(PidProbeTest, AnotherUsersProcessIsCountedOrTheDenialReported) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to sample as another user";
  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"}, /*extra_fds=*/2);
  const long fds = CountFdsIndependently(child.pid());
  // As user nobody, root's sleep: its fd directory may not be listed.
  const std::string text = testing::RunAsNobody([&] {
    const ResourceCounts c = MakePidProbe(child.pid())->Sample();
    return std::to_string(c.alive) + " " + std::to_string(c.handles) + " " +
           std::to_string(c.threads) + " " + c.error;
  });
  int alive = 0;
  long long handles = 0, threads = 0;
  int consumed = 0;
  ASSERT_EQ(std::sscanf(text.c_str(), "%d %lld %lld %n", &alive, &handles, &threads, &consumed), 3)
      << text;
  const std::string error = text.substr(static_cast<std::size_t>(consumed));

  EXPECT_TRUE(alive) << error;
  EXPECT_EQ(threads, 1);
  if (KernelCountsFdsInStatSize()) {
    EXPECT_EQ(handles, fds);
    EXPECT_EQ(error, "");
  } else {
    EXPECT_EQ(handles, -1);
    EXPECT_THAT(error, HasSubstr("cannot count handles of process"));
    EXPECT_THAT(error, HasSubstr("Permission denied"));
  }
}

TEST(PidProbeTest, ABadPidIsAConfigurationError) {
  EXPECT_THROW(MakePidProbe(0), std::invalid_argument);
  EXPECT_THROW(MakePidProbe(-5), std::invalid_argument);
}

}  // namespace
}  // namespace dialsoak::probes
