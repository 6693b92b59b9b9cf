#include "dialsoak/analysis/proc_limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

namespace dialsoak::analysis {
namespace {

constexpr char kLimits[] =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max stack size            8388608              unlimited            bytes     \n"
    "Max processes             63448                63448                processes \n"
    "Max open files            1024                 1048576              files     \n"
    "Max pending signals       63448                63448                signals   \n";

TEST(ProcLimitsTest, ParsesSoftOpenFilesAndProcesses) {
  const auto limits = ParseProcLimits(kLimits);
  ASSERT_TRUE(limits.has_value()) << limits.error().message;
  ASSERT_TRUE(limits->max_open_files.has_value());
  EXPECT_FALSE(limits->max_open_files->unlimited);
  EXPECT_EQ(limits->max_open_files->value, 1024);
  EXPECT_EQ(limits->max_open_files->AsLimit(), 1024);
  ASSERT_TRUE(limits->max_processes.has_value());
  EXPECT_EQ(limits->max_processes->value, 63448);
}

TEST(ProcLimitsTest, ParsesUnlimited) {
  const auto limits = ParseProcLimits(
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max processes             unlimited            unlimited            processes \n"
      "Max open files            unlimited            unlimited            files     \n");
  ASSERT_TRUE(limits.has_value());
  ASSERT_TRUE(limits->max_open_files.has_value());
  EXPECT_TRUE(limits->max_open_files->unlimited);
  EXPECT_EQ(limits->max_open_files->AsLimit(), std::nullopt);
  EXPECT_TRUE(limits->max_processes->unlimited);
}

TEST(ProcLimitsTest, MissingLinesLeaveFieldsEmpty) {
  const auto limits = ParseProcLimits("Limit  Soft Limit  Hard Limit  Units\n");
  ASSERT_TRUE(limits.has_value());
  EXPECT_FALSE(limits->max_open_files.has_value());
  EXPECT_FALSE(limits->max_processes.has_value());
  EXPECT_TRUE(ParseProcLimits("").has_value());
}

TEST(ProcLimitsTest, LastLineWithoutNewlineIsParsed) {
  const auto limits = ParseProcLimits("Max open files            4096       4096       files");
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(limits->max_open_files->value, 4096);
}

TEST(ProcLimitsTest, GarbageSoftValueIsAnErrorNamingTheLimit) {
  const auto limits = ParseProcLimits("Max open files            lots       4096       files\n");
  ASSERT_FALSE(limits.has_value());
  EXPECT_NE(limits.error().message.find("Max open files"), std::string::npos);
  EXPECT_NE(limits.error().message.find("lots"), std::string::npos);
}

TEST(ProcLimitsTest, ReadsThisProcessAndMatchesGetrlimit) {
  rlimit nofile{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &nofile), 0);
  for (const auto& limits : {ReadSelfLimits(), ReadProcessLimits(::getpid())}) {
    ASSERT_TRUE(limits.has_value()) << limits.error().message;
    ASSERT_TRUE(limits->max_open_files.has_value());
    if (nofile.rlim_cur == RLIM_INFINITY) {
      EXPECT_TRUE(limits->max_open_files->unlimited);
    } else {
      EXPECT_EQ(limits->max_open_files->value, static_cast<std::int64_t>(nofile.rlim_cur));
    }
    EXPECT_TRUE(limits->max_processes.has_value());
  }
}

TEST(ProcLimitsTest, ThreadsLimitIsTheSmallerOfNprocAndThreadsMax) {
  const auto limits = ParseProcLimits(kLimits);  // Max processes 63448
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(ThreadsLimit(*limits, 1000), 1000);
  EXPECT_EQ(ThreadsLimit(*limits, 100000), 63448);
  EXPECT_EQ(ThreadsLimit(*limits, std::nullopt), 63448);
  const auto unlimited = ParseProcLimits("Max processes             unlimited    unlimited    processes\n");
  ASSERT_TRUE(unlimited.has_value());
  EXPECT_EQ(ThreadsLimit(*unlimited, 5000), 5000);
  EXPECT_EQ(ThreadsLimit(*unlimited, std::nullopt), std::nullopt);
  EXPECT_EQ(ThreadsLimit(ProcessLimits{}, std::nullopt), std::nullopt);
}

TEST(ProcLimitsTest, ReadsThreadsMax) {
  const auto threads_max = ReadThreadsMax();
  ASSERT_TRUE(threads_max.has_value()) << threads_max.error().message;
  EXPECT_GT(*threads_max, 1);
}

TEST(ProcLimitsTest, GoneProcessIsAnErrorNamingTheFile) {
  const auto limits = ReadProcessLimits(0x3fffffff);
  ASSERT_FALSE(limits.has_value());
  EXPECT_NE(limits.error().message.find("/proc/1073741823/limits"), std::string::npos);
  EXPECT_NE(limits.error().code, 0);
}

}  // namespace
}  // namespace dialsoak::analysis
