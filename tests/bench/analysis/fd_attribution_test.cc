#include "dialsoak/analysis/fd_attribution.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::analysis {
namespace {

using ::testing::ElementsAre;

TEST(FdKindTest, ClassifiesTargets) {
  EXPECT_EQ(FdKind("socket:[12345]"), "socket");
  EXPECT_EQ(FdKind("pipe:[678]"), "pipe");
  EXPECT_EQ(FdKind("net:[4026531992]"), "net");
  EXPECT_EQ(FdKind("anon_inode:[eventfd]"), "anon_inode:[eventfd]");
  EXPECT_EQ(FdKind("anon_inode:inotify"), "anon_inode:inotify");
  EXPECT_EQ(FdKind("/dev/pts/3"), "/dev/pts/*");
  EXPECT_EQ(FdKind("/dev/pts/ptmx"), "/dev/pts/ptmx");
  EXPECT_EQ(FdKind("/dev/ptmx"), "/dev/ptmx");
  EXPECT_EQ(FdKind("/tmp/x.log"), "/tmp/x.log");
  EXPECT_EQ(FdKind("/tmp/odd:[name]"), "/tmp/odd:[name]");
  EXPECT_EQ(FdKind("/memfd:pool (deleted)"), "/memfd:pool (deleted)");
}

TEST(FdAttributionTest, ReportsWhatGrewByKindSortedByGrowth) {
  const FdSnapshot baseline = {"/dev/null", "/dev/pts/0", "socket:[1]",
                               "pipe:[5]",  "pipe:[5]",   "/tmp/gone.log"};
  const FdSnapshot end = {"/dev/null",
                          "/dev/pts/0",
                          "socket:[1]",
                          "pipe:[5]",
                          "pipe:[5]",
                          "socket:[7]",
                          "pipe:[9]",
                          "anon_inode:[eventfd]",
                          "anon_inode:[eventfd]",
                          "anon_inode:[eventfd]",
                          "anon_inode:[eventfd]",
                          "/dev/pts/4"};
  const auto changes = CompareFdSnapshots(baseline, end);
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].kind, "anon_inode:[eventfd]");
  EXPECT_EQ(changes[0].baseline, 0);
  EXPECT_EQ(changes[0].end, 4);
  EXPECT_EQ(changes[0].growth, 4);
  EXPECT_EQ(changes[0].examples.size(), 3u);  // capped
  // Growth 1, by kind name.
  EXPECT_EQ(changes[1].kind, "/dev/pts/*");
  EXPECT_THAT(changes[1].examples, ElementsAre("/dev/pts/4"));
  EXPECT_EQ(changes[2].kind, "pipe");
  EXPECT_EQ(changes[2].baseline, 2);
  EXPECT_EQ(changes[2].end, 3);
  EXPECT_THAT(changes[2].examples, ElementsAre("pipe:[9]"));  // pipe:[5] twice was there
  EXPECT_EQ(changes[3].kind, "socket");
  EXPECT_THAT(changes[3].examples, ElementsAre("socket:[7]"));
  EXPECT_EQ(changes[4].kind, "/dev/null");
  EXPECT_EQ(changes[4].growth, 0);
  EXPECT_TRUE(changes[4].examples.empty());
  EXPECT_EQ(changes[5].kind, "/tmp/gone.log");
  EXPECT_EQ(changes[5].growth, -1);

  EXPECT_EQ(DescribeFdGrowth(changes),
            "7 more descriptors: 4 anon_inode:[eventfd], 1 /dev/pts/*, 1 pipe, 1 socket");
}

TEST(FdAttributionTest, DescribesASingleKind) {
  FdSnapshot end(37, "anon_inode:[eventfd]");
  EXPECT_EQ(DescribeFdGrowth(CompareFdSnapshots({}, end)),
            "37 more descriptors, all anon_inode:[eventfd]");
  EXPECT_EQ(DescribeFdGrowth(CompareFdSnapshots({}, {"pipe:[3]"})), "1 more descriptor, a pipe");
  EXPECT_EQ(DescribeFdGrowth(CompareFdSnapshots({"pipe:[3]"}, {"pipe:[3]"})),
            "no kind of descriptor grew");
  EXPECT_EQ(DescribeFdGrowth({}), "no kind of descriptor grew");
}

TEST(FdAttributionTest, MaxExamplesIsHonoured) {
  const auto changes = CompareFdSnapshots({}, {"socket:[1]", "socket:[2]"}, 0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].examples.empty());
}

TEST(FdSnapshotTest, SeesAnEventfdAndAPipeOpenedBetweenSnapshots) {
  const auto before = SnapshotSelfFds();
  ASSERT_TRUE(before.has_value()) << before.error().message;
  io::UniqueFd efd(::eventfd(0, EFD_CLOEXEC));
  ASSERT_TRUE(efd.valid());
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  io::UniqueFd r(p[0]), w(p[1]);
  const auto after = SnapshotSelfFds();
  ASSERT_TRUE(after.has_value()) << after.error().message;
  EXPECT_EQ(after->size(), before->size() + 3);

  const auto changes = CompareFdSnapshots(*before, *after);
  ASSERT_GE(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, "pipe");
  EXPECT_EQ(changes[0].growth, 2);
  ASSERT_EQ(changes[0].examples.size(), 2u);
  EXPECT_EQ(changes[0].examples[0], changes[0].examples[1]);  // both ends, one pipe inode
  EXPECT_EQ(changes[1].kind, "anon_inode:[eventfd]");
  EXPECT_EQ(changes[1].growth, 1);
  EXPECT_TRUE(std::all_of(changes.begin() + 2, changes.end(),
                          [](const FdKindChange& c) { return c.growth == 0; }));
}

TEST(FdSnapshotTest, SnapshotByPidMatchesSelfPlusTheListingDescriptor) {
  const auto self = SnapshotSelfFds();
  const auto by_pid = SnapshotFds(::getpid());
  ASSERT_TRUE(self.has_value());
  ASSERT_TRUE(by_pid.has_value()) << by_pid.error().message;
  // By pid the listing's own descriptor (a directory) is not known to be ours.
  EXPECT_EQ(by_pid->size(), self->size() + 1);
}

TEST(FdSnapshotTest, GoneProcessIsAnErrorNamingTheDirectory) {
  const auto snap = SnapshotFds(0x3fffffff);
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("/proc/1073741823/fd"), std::string::npos);
}

}  // namespace
}  // namespace dialsoak::analysis
