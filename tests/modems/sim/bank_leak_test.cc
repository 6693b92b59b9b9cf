// Leak injection (BankConfig::leak, --inject-leak): the option's text form, and a bank
// that leaks one descriptor of the chosen kind into this process per EVERY-th dial, seen
// where the leak verdict looks for it: readlink of /proc/self/fd/*.
#include <dirent.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "bank_fixture.h"
#include "dialsoak/sim/leak.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::StartBank;
using testing::Tty;

// Descriptors of this process whose link target starts with `prefix`
// ("anon_inode:[eventfd]", "pipe:", "socket:", "/dev/null").
int CountFds(const std::string& prefix) {
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    char target[256];
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    if (std::string(target, static_cast<std::size_t>(n)).starts_with(prefix)) ++count;
  }
  ::closedir(dir);
  return count;
}

// Dials and hangs up (DTR) n times on the bank's first port.
void Cycle(ModemBank& bank, int n) {
  Tty tty(bank.port_paths()[0]);
  tty.Write("ATE0\r");
  ASSERT_TRUE(tty.WaitFor("OK\r\n"));
  for (int i = 0; i < n; ++i) {
    tty.Write("ATDT5551234\r");
    ASSERT_TRUE(tty.WaitFor("CONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n")) << tty.pending();
    ASSERT_TRUE(testing::DropDtr(tty)) << tty.pending();
  }
}

// Runs n cycles on a bank with the given leak; returns how many descriptors with the
// prefix this process gained, and checks the bank's count of them.
int Gained(const std::string& leak, const std::string& prefix, int n,
           std::uint64_t expect_leaked) {
  BankConfig config;
  config.leak = *ParseLeakConfig(leak);
  const int without_bank = CountFds(prefix);
  auto bank = StartBank(config);
  const int before = CountFds(prefix);  // with the bank's own (its wake-up eventfd)
  Cycle(*bank, n);
  const int after = CountFds(prefix);
  EXPECT_EQ(bank->stats().calls, static_cast<std::uint64_t>(n));
  EXPECT_EQ(bank->stats().leaked_descriptors, expect_leaked);
  bank.reset();
  EXPECT_EQ(CountFds(prefix), without_bank) << "the bank closes what it leaked when destroyed";
  return after - before;
}

TEST(LeakConfigTest, ParsesEveryAndKind) {
  auto leak = ParseLeakConfig("1");
  ASSERT_TRUE(leak) << leak.error();
  EXPECT_EQ(leak->every, 1);
  EXPECT_EQ(leak->kind, LeakKind::kEventfd);
  EXPECT_EQ(leak->ToString(), "1:eventfd");
  const std::pair<const char*, LeakKind> kinds[] = {{"10:eventfd", LeakKind::kEventfd},
                                                    {"3:pipe", LeakKind::kPipe},
                                                    {"7:socket", LeakKind::kSocket},
                                                    {"100:file", LeakKind::kFile}};
  for (const auto& [text, kind] : kinds) {
    leak = ParseLeakConfig(text);
    ASSERT_TRUE(leak) << text << ": " << leak.error();
    EXPECT_EQ(leak->kind, kind) << text;
    EXPECT_EQ(leak->ToString(), text);
  }
  EXPECT_EQ(LeakConfig{}.ToString(), "off");
  EXPECT_FALSE(LeakConfig{}.enabled());
}

TEST(LeakConfigTest, RejectsBadTextSayingWhatIsAllowed) {
  for (const char* text : {"", "x", "0", "-1", "1:", ":pipe", "1:fifo", "1:pipe:x", "2x",
                           " 1", "1:PIPE", "99999999999"}) {
    auto leak = ParseLeakConfig(text);
    ASSERT_FALSE(leak) << "'" << text << "' parsed";
    EXPECT_EQ(leak.error(),
              "expected EVERY[:KIND] with EVERY >= 1 and KIND one of eventfd, pipe, socket, "
              "file, got '" + std::string(text) + "'");
  }
}

TEST(LeakConfigTest, CheckBankConfigRejectsNegativeEvery) {
  BankConfig config;
  config.leak.every = -1;
  auto problem = CheckBankConfig(config);
  ASSERT_TRUE(problem);
  EXPECT_TRUE(problem->starts_with("leak.every:")) << *problem;
}

TEST(BankLeakTest, NoLeakByDefault) {
  BankConfig config;
  auto bank = StartBank(config);
  const int before = CountFds("anon_inode:[eventfd]");
  Cycle(*bank, 5);
  EXPECT_EQ(CountFds("anon_inode:[eventfd]"), before);
  EXPECT_EQ(bank->stats().leaked_descriptors, 0u);
}

TEST(BankLeakTest, EveryDialLeaksOneEventfd) {
  EXPECT_EQ(Gained("1:eventfd", "anon_inode:[eventfd]", 12, 12), 12);
}

TEST(BankLeakTest, EveryThirdDialLeaksOnePipeEnd) {
  EXPECT_EQ(Gained("3:pipe", "pipe:", 10, 3), 3);
}

TEST(BankLeakTest, SocketAndFileKinds) {
  EXPECT_EQ(Gained("2:socket", "socket:", 6, 3), 3);
  EXPECT_EQ(Gained("1:file", "/dev/null", 4, 4), 4);
}

TEST(BankLeakTest, CountsDialsAcrossPorts) {
  BankConfig config;
  config.ports = 2;
  config.leak = *ParseLeakConfig("2");
  auto bank = StartBank(config);
  const int before = CountFds("anon_inode:[eventfd]");
  Tty a(bank->port_paths()[0]), b(bank->port_paths()[1]);
  for (int i = 0; i < 3; ++i) {
    for (Tty* tty : {&a, &b}) {
      tty->Write("ATDT5551234\r");
      ASSERT_TRUE(tty->WaitFor("CONNECT")) << tty->pending();
      ASSERT_TRUE(testing::DropDtr(*tty)) << tty->pending();
    }
  }
  EXPECT_EQ(CountFds("anon_inode:[eventfd]") - before, 3);
  EXPECT_EQ(bank->stats().leaked_descriptors, 3u);
}

}  // namespace
}  // namespace dialsoak::sim
