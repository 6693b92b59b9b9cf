// Safe by default: the bank's ptys are its user's alone (0600), its link directory is made
// 0700, and it never follows or replaces a path it did not make: a foreign link or a
// directory others may write into stops the bank, and such paths are left as they were.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bank_fixture.h"

namespace dialsoak::sim {
namespace {

namespace fs = std::filesystem;
using testing::StartBank;

class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/dialsoak-sim-safety.XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(SimBankSafetyTest, PtysAreTheUsersAloneAndTheLinkDirectoryIsMade0700) {
  ScratchDir scratch;
  BankConfig config;
  config.ports = 2;
  config.pools = {PoolConfig{"5551234", 1, true}};
  config.link_dir = scratch / "links";
  auto bank = StartBank(config);
  EXPECT_EQ(ModeOf(config.link_dir), 0700u);
  for (const std::string& pty : bank->port_paths()) EXPECT_EQ(ModeOf(pty), 0600u) << pty;
  for (const std::string& pty : bank->answer_paths()) EXPECT_EQ(ModeOf(pty), 0600u) << pty;
}

TEST(SimBankSafetyTest, AForeignLinkIsNeitherFollowedNorReplaced) {
  ScratchDir scratch;
  const fs::path links = scratch / "links";
  fs::create_directory(links);
  fs::permissions(links, fs::perms::owner_all, fs::perm_options::replace);
  fs::create_symlink(scratch / "someone-elses-device", links / "modem0");
  BankConfig config;
  config.link_dir = links;
  auto bank = ModemBank::Start(config);
  ASSERT_FALSE(bank);
  EXPECT_EQ(bank.error().code, EEXIST);
  EXPECT_NE(bank.error().message.find("was not made by this modemsim"), std::string::npos)
      << bank.error().message;
  EXPECT_EQ(fs::read_symlink(links / "modem0"), scratch / "someone-elses-device") << "left as it was";
  EXPECT_FALSE(fs::exists(scratch / "someone-elses-device")) << "nothing made through it";
}

TEST(SimBankSafetyTest, ALinkDirectoryThatIsASymlinkIsRefused) {
  ScratchDir scratch;
  fs::create_directory(scratch / "real");
  fs::permissions(scratch / "real", fs::perms::owner_all, fs::perm_options::replace);
  fs::create_directory_symlink(scratch / "real", scratch / "links");
  BankConfig config;
  config.link_dir = scratch / "links";
  auto bank = ModemBank::Start(config);
  ASSERT_FALSE(bank);
  EXPECT_EQ(bank.error().code, ELOOP);
  EXPECT_TRUE(fs::is_empty(scratch / "real"));
}

TEST(SimBankSafetyTest, ALinkDirectoryOthersMayWriteIsRefused) {
  ScratchDir scratch;
  const fs::path links = scratch / "links";
  fs::create_directory(links);
  fs::permissions(links, fs::perms::all, fs::perm_options::replace);  // 0777
  BankConfig config;
  config.link_dir = links;
  auto bank = ModemBank::Start(config);
  ASSERT_FALSE(bank);
  EXPECT_EQ(bank.error().code, EPERM);
  EXPECT_NE(bank.error().message.find("not this user's alone"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(links));
}

TEST(SimBankSafetyTest, OnlyItsOwnLinksAreRemovedAtTheEnd) {
  ScratchDir scratch;
  BankConfig config;
  config.ports = 2;
  config.link_dir = scratch / "links";
  {
    auto bank = StartBank(config);
    // Someone replaces modem1 while the bank runs: at the end it must stay.
    fs::remove(config.link_dir / "modem1");
    fs::create_symlink("/dev/null", config.link_dir / "modem1");
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(config.link_dir / "modem0")));
  EXPECT_EQ(fs::read_symlink(config.link_dir / "modem1"), "/dev/null");
}

}  // namespace
}  // namespace dialsoak::sim
