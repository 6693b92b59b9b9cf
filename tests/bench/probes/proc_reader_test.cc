// ProcReader, the private /proc layer: the two ways of counting descriptors agree, the
// listing is denied on another user's process, and the pid list holds live processes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "proc_reader_linux.h"
#include "spawned_process.h"
#include "support/proc_fds.h"

namespace dialsoak::probes::detail {
namespace {

using testing::NamedSleepers;
using testing::SpawnedProcess;

TEST(ProbeProcReaderTest, CountingByStatSizeAndByListingAgree) {
  ProcReader reader;
  std::vector<int> fds;
  for (int i = 0; i < 50; ++i) fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const auto by_stat = reader.CountFds(0);
  const auto by_listing = reader.CountFdsByListing(0);
  const int expected = testutil::OpenFdCount();
  for (int fd : fds) ::close(fd);

  ASSERT_TRUE(by_stat);
  ASSERT_TRUE(by_listing);
  EXPECT_EQ(*by_stat, expected);
  EXPECT_EQ(*by_listing, expected);

  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"}, /*extra_fds=*/3);
  EXPECT_EQ(reader.CountFds(child.pid()).value_or(-1),
            reader.CountFdsByListing(child.pid()).value_or(-2));
}

TEST(ProbeProcReaderTest, HeldSelfFilesAreReadAfreshAndNotCounted) {
  const int open_before = testutil::OpenFdCount();
  ProcReader reader;
  ASSERT_EQ(reader.HoldSelfFiles(), 0);
  EXPECT_EQ(testutil::OpenFdCount(), open_before + 2);
  EXPECT_EQ(reader.CountFds(0).value_or(-1), open_before);

  const auto threads_before = reader.ReadStat(0).value().threads;
  std::promise<void> started, release;
  std::thread worker([&] {
    started.set_value();
    release.get_future().wait();
  });
  started.get_future().wait();
  const auto threads_during = reader.ReadStat(0).value().threads;  // a fresh print
  release.set_value();
  worker.join();
  EXPECT_EQ(threads_during, threads_before + 1);
  EXPECT_GT(reader.ReadResidentPages(0).value_or(0), 0);
}

TEST(ProbeProcReaderTest, ListingAnotherUsersDescriptorsIsDenied) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to read as another user";
  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"});
  const std::string text = testing::RunAsNobody([&] {
    ProcReader reader;
    auto listed = reader.CountFdsByListing(child.pid());
    return listed ? "counted " + std::to_string(*listed)
                  : "errno " + std::to_string(listed.error());
  });
  EXPECT_EQ(text, "errno " + std::to_string(EACCES));
}

TEST(ProbeProcReaderTest, AGoneProcessIsENOENT) {
  int pid = 0;
  {
    SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"});
    pid = child.pid();
  }
  ProcReader reader;
  EXPECT_EQ(reader.ReadStat(pid).error(), ENOENT);
  EXPECT_EQ(reader.CountFds(pid).error(), ENOENT);
  EXPECT_EQ(reader.ReadResidentPages(pid).error(), ENOENT);
}

TEST(ProbeProcReaderTest, ListsProcessesButNotTheirThreads) {
  SpawnedProcess child(NamedSleepers::SleepPath(), {"sleep", "30"});
  std::promise<pid_t> tid;
  std::promise<void> release;
  std::thread worker([&] {
    tid.set_value(::gettid());
    release.get_future().wait();
  });
  const pid_t worker_tid = tid.get_future().get();
  ProcReader reader;
  std::vector<int> pids;
  const int err = reader.ForEachPid([&](int pid) { pids.push_back(pid); });
  release.set_value();
  worker.join();

  ASSERT_EQ(err, 0);
  auto listed = [&](int pid) { return std::find(pids.begin(), pids.end(), pid) != pids.end(); };
  EXPECT_TRUE(listed(::getpid()));
  EXPECT_TRUE(listed(child.pid()));
  EXPECT_FALSE(listed(worker_tid)) << "a thread is not a process";
}

}  // namespace
}  // namespace dialsoak::probes::detail
