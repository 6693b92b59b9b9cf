// The self probe: this process's descriptors, threads and resident memory, each moved on
// purpose and seen to move (and come back).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <future>
#include <thread>
#include <vector>

#include "dialsoak/probes/process_probe.h"
#include "support/proc_fds.h"

namespace dialsoak::probes {
namespace {

TEST(SelfProbeTest, SamplesThisProcessLeavingItsOwnDescriptorsOut) {
  const int open_before = testutil::OpenFdCount();
  auto probe = MakeSelfProbe();
  EXPECT_EQ(probe->label(), "self");
  const ResourceCounts s = probe->Sample();
  EXPECT_TRUE(s.alive);
  EXPECT_EQ(s.pid, ::getpid());
  EXPECT_EQ(s.error, "");
  // The probe's own descriptors (held files, a listing) are not in its count.
  EXPECT_EQ(s.handles, open_before);
  EXPECT_GE(s.threads, 1);
  EXPECT_GT(s.resident_bytes, 0);
}

TEST(SelfProbeTest, SeesOpenedDescriptorsAndTheirClose) {
  auto probe = MakeSelfProbe();
  const std::int64_t before = probe->Sample().handles;
  constexpr int kOpened = 37;
  std::vector<int> fds;
  for (int i = 0; i < kOpened; ++i) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  const std::int64_t with_open = probe->Sample().handles;
  for (int fd : fds) ::close(fd);
  const std::int64_t after_close = probe->Sample().handles;

  EXPECT_EQ(with_open, before + kOpened);
  EXPECT_EQ(after_close, before);
}

TEST(SelfProbeTest, HandleSamplesCountFreshlyAndKeepTheLastFullCounts) {
  auto probe = MakeSelfProbe();
  const ResourceCounts full = probe->Sample();
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const ResourceCounts quick = probe->SampleHandles();
  for (int fd : fds) ::close(fd);
  const ResourceCounts back = probe->SampleHandles();

  EXPECT_TRUE(quick.alive);
  EXPECT_EQ(quick.handles, full.handles + 5);
  EXPECT_EQ(back.handles, full.handles);
  // Threads and memory are those of the full sample just taken (under a second old).
  EXPECT_EQ(quick.threads, full.threads);
  EXPECT_EQ(quick.resident_bytes, full.resident_bytes);
  EXPECT_EQ(quick.pid, ::getpid());
}

TEST(SelfProbeTest, SeesAStartedThreadAndItsEnd) {
  auto probe = MakeSelfProbe();
  const std::int64_t before = probe->Sample().threads;
  std::promise<void> started, release;
  std::thread worker([&] {
    started.set_value();
    release.get_future().wait();
  });
  started.get_future().wait();
  const std::int64_t during = probe->Sample().threads;
  release.set_value();
  worker.join();
  const std::int64_t after = probe->Sample().threads;

  EXPECT_EQ(during, before + 1);
  EXPECT_EQ(after, before);
}

TEST(SelfProbeTest, ResidentMemoryFollowsTouchedPages) {
  auto probe = MakeSelfProbe();
  constexpr std::size_t kBytes = 64u << 20;
  constexpr std::int64_t kSlack = 8 << 20;  // other allocations, counter batching
  const std::int64_t before = probe->Sample().resident_bytes;
  void* block = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(block, MAP_FAILED);
  std::memset(block, 0x5a, kBytes);
  const std::int64_t touched = probe->Sample().resident_bytes;
  ::munmap(block, kBytes);
  const std::int64_t released = probe->Sample().resident_bytes;

  EXPECT_GE(touched - before, static_cast<std::int64_t>(kBytes) - kSlack);
  EXPECT_LE(touched - before, static_cast<std::int64_t>(kBytes) + kSlack);
  EXPECT_LE(released, touched - static_cast<std::int64_t>(kBytes) + kSlack);
}

}  // namespace
}  // namespace dialsoak::probes
