// The vanish fault, as a dialer that opened the bank's link sees a USB modem unplugged and
// plugged back in: hang-up (POLLHUP, EOF or EIO) on the open descriptor, ENOENT at the
// link while it is gone, and a fresh, working modem at the same path after.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>

#include "fault_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::kConnect;
using testing::Printable;
using testing::QuietTty;
using testing::Recorder;
using testing::StartBank;
using testing::Tty;
using testing::WithFaults;

class SimVanishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dialsoak-sim-vanish-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  BankConfig Config(const char* faults) {
    BankConfig config = WithFaults(faults);
    config.link_dir = dir_;
    return config;
  }
  std::string Link() const { return (dir_ / "modem0").string(); }

  std::filesystem::path dir_;
};

// Waits for the hang-up of a tty whose device went away; returns poll's revents.
short AwaitHangup(int fd, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return 0;
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0 && (p.revents & POLLHUP) != 0) {
      return p.revents;
    }
    char buf[256];
    (void)!::read(fd, buf, sizeof buf);  // drop what came before (nothing, here)
  }
}

// errno of opening path, 0 if it opened.
int OpenErrno(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}

TEST_F(SimVanishTest, AtTheDialHangsUpTheTtyIsGoneThenComesBackWorking) {
  Recorder calls;
  auto bank = StartBank(Config("vanish/down=1s"), &calls);
  auto tty = QuietTty(Link());
  const auto dialed = std::chrono::steady_clock::now();
  tty->Write("ATDT1\r");

  // The open descriptor: hang-up, EOF or EIO on read, EIO on write.
  EXPECT_NE(AwaitHangup(tty->fd()) & POLLHUP, 0) << "no POLLHUP on the open tty";
  char c = 0;
  const ssize_t n = ::read(tty->fd(), &c, 1);
  EXPECT_TRUE(n == 0 || (n < 0 && errno == EIO)) << "read gave " << n << ", errno " << errno;
  EXPECT_EQ(::write(tty->fd(), "AT\r", 3), -1);
  EXPECT_EQ(errno, EIO);

  // Gone: the link is not there (the device node of a real unplugged modem).
  EXPECT_EQ(OpenErrno(Link()), ENOENT);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(Link())));

  // Back after the down time, at the same path, a fresh modem (echo on again).
  ASSERT_TRUE(Eventually([&] { return OpenErrno(Link()) == 0; }, 5s)) << "never came back";
  EXPECT_GE(std::chrono::steady_clock::now() - dialed, 1s);
  Tty again(Link());
  again.Write("ATZ\r");
  EXPECT_TRUE(again.WaitFor("ATZ\r\r\nOK\r\n")) << Printable(again.pending());
  EXPECT_NE(std::filesystem::read_symlink(Link()).string(), bank->port_paths()[0])
      << "a new pty: the old one is still held by the first descriptor";

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "vanish");
  EXPECT_EQ(records[0].result, "");
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kVanish});
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.vanish, 1u);
  EXPECT_EQ(s.unanswered, 1u);
  EXPECT_EQ(s.calls, 1u);

  bank.reset();
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(Link())))
      << "the bank removes the link it made for the new pty";
}

TEST_F(SimVanishTest, DuringACallEndsItAndTheNewModemDials) {
  Recorder calls;
  auto bank = StartBank(Config("vanish:1/after=300ms/down=200ms"), &calls);
  auto tty = QuietTty(Link());
  const auto dialed = std::chrono::steady_clock::now();
  tty->Write("ATDT1\r");
  ASSERT_FALSE(tty->ReadThrough(kConnect).empty()) << Printable(tty->pending());
  EXPECT_NE(AwaitHangup(tty->fd()) & POLLHUP, 0);
  EXPECT_GE(std::chrono::steady_clock::now() - dialed, 300ms);
  tty->Close();

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "vanish");
  EXPECT_EQ(records[0].result, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  EXPECT_GE(records[0].held + records[0].setup, 300ms);
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kVanish});
  BankStats s = bank->stats();
  EXPECT_EQ(s.hangups_vanish, 1u);
  EXPECT_EQ(s.connects, 1u);
  EXPECT_EQ(s.faults.vanish, 1u);

  // The modem that comes back takes a call (which arms the next vanish, 300 ms on).
  ASSERT_TRUE(Eventually([&] { return OpenErrno(Link()) == 0; }, 5s));
  auto again = QuietTty(Link());
  again->Write("ATDT1\r");
  EXPECT_FALSE(again->ReadThrough(kConnect).empty()) << Printable(again->pending());
  EXPECT_EQ(bank->stats().connects, 2u);
}

TEST_F(SimVanishTest, AnOtherPortStaysUp) {
  BankConfig config = Config("vanish@1/down=5s");
  config.ports = 2;
  auto bank = StartBank(config);
  auto zero = QuietTty((dir_ / "modem0").string());
  auto one = QuietTty((dir_ / "modem1").string());
  one->Write("ATDT1\r");
  EXPECT_NE(AwaitHangup(one->fd()) & POLLHUP, 0);
  EXPECT_EQ(OpenErrno((dir_ / "modem1").string()), ENOENT);
  zero->Write("ATDT1\r");
  EXPECT_FALSE(zero->ReadThrough(kConnect).empty()) << Printable(zero->pending());
  EXPECT_TRUE(testing::DropDtr(*zero));
  EXPECT_EQ(bank->stats().faults.vanish, 1u);
}

}  // namespace
}  // namespace dialsoak::sim
