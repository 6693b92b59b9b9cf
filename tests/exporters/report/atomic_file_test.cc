#include "dialsoak/report/atomic_file.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace dialsoak::report {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportAtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dialsoak_atomic_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    ::chmod(dir_.c_str(), 0700);
    for (const auto& name : Entries()) {
      std::string p = dir_ + "/" + name;
      if (::unlink(p.c_str()) != 0) ::rmdir(p.c_str());
    }
    ::rmdir(dir_.c_str());
  }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    return names;
  }
  std::string dir_;
};

TEST_F(ReportAtomicFileTest, WritesTheWholeFileAndNothingElse) {
  std::string path = dir_ + "/report.json";
  auto r = WriteFileAtomically(path, "{\"a\": 1}\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(path), "{\"a\": 1}\n");
  EXPECT_THAT(Entries(), ::testing::ElementsAre("report.json"));
}

TEST_F(ReportAtomicFileTest, ReplacesAnExistingFile) {
  std::string path = dir_ + "/report.json";
  ASSERT_TRUE(WriteFileAtomically(path, "old old old old\n"));
  ASSERT_TRUE(WriteFileAtomically(path, "new\n"));
  EXPECT_EQ(ReadFile(path), "new\n");
  EXPECT_EQ(Entries().size(), 1u);
}

TEST_F(ReportAtomicFileTest, NewFileModeFollowsTheUmask) {
  std::string path = dir_ + "/report.json";
  mode_t old = ::umask(022);
  auto r = WriteFileAtomically(path, "x");
  ::umask(old);
  ASSERT_TRUE(r) << r.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(ReportAtomicFileTest, MissingDirectoryFailsNamingThePath) {
  std::string path = dir_ + "/no/such/dir/report.json";
  auto r = WriteFileAtomically(path, "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("No such file or directory"));
  EXPECT_TRUE(Entries().empty());
}

TEST_F(ReportAtomicFileTest, EmptyPathFails) {
  auto r = WriteFileAtomically("", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
}

TEST_F(ReportAtomicFileTest, FailedRenameLeavesNoTempFile) {
  std::string path = dir_ + "/taken";
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);  // a directory where the file should go
  auto r = WriteFileAtomically(path, "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("rename"));
  EXPECT_THAT(Entries(), ::testing::ElementsAre("taken"));
}

// A write that runs out of room (here the file size limit, EFBIG, standing in for a full
// disk, ENOSPC) fails cleanly: no temp file, the old report untouched.
TEST_F(ReportAtomicFileTest, FailedWriteLeavesNoTempFileAndKeepsTheOldFile) {
  std::string path = dir_ + "/report.json";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n"));
  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto r = WriteFileAtomically(path, std::string(64 * 1024, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EFBIG);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("write"));
  EXPECT_EQ(ReadFile(path), "old\n");
  EXPECT_THAT(Entries(), ::testing::ElementsAre("report.json"));
}

// Root ignores directory permissions, so as root the write is tried by a child process
// that has become "nobody"; its exit status carries the verdict.
TEST_F(ReportAtomicFileTest, UnwritableDirectoryFailsWithPermissionDenied) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0500), 0);
  std::string path = dir_ + "/report.json";
  auto check = [&]() -> int {
    auto r = WriteFileAtomically(path, "x");
    if (r) return 10;
    if (r.error().code != EACCES) return 11;
    if (r.error().message.find(path) == std::string::npos) return 12;
    return 0;
  };
  if (::geteuid() != 0) {
    EXPECT_EQ(check(), 0);
  } else {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int verdict = (::setgid(65534) == 0 && ::setuid(65534) == 0) ? check() : 13;
      ::_exit(verdict);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: written, 11: not EACCES, 12: no path, 13: setuid";
  }
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace dialsoak::report
